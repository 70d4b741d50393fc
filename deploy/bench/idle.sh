#!/usr/bin/env bash
# Idle benchmark: the platform in embedded mode with nothing happening. Starts it with --ephemeral, waits for ready and
# a settle period, then reads for a while what its processes spend: the platform JVM (Vert.x, the in-JVM Kafka broker,
# the Stripe emulator) by thread group, PostgreSQL and Redis. Prints `idle cores  X` (the average over the window),
# the split by part, and the JVM's busiest thread groups.
# Needs: a built deploy/target/emporium.jar (./mvnw -B -DskipTests package).
# Usage: deploy/bench/idle.sh [measured seconds, default 60]
#   BENCH_SETTLE (seconds after ready before the window, default 30) and BENCH_JFR=<file> (also records the window with
#   Java Flight Recorder, profile settings, for `jfr print --events jdk.ExecutionSample <file>`; its own cost then counts
#   in the figures) tune it.
set -euo pipefail
export LC_ALL=C
cd "$(dirname "$0")/../.."
DURATION=${1:-60}
SETTLE=${BENCH_SETTLE:-30}
PORT=${BENCH_PORT:-18082}
JAR=deploy/target/emporium.jar
# the platform measured; BENCH_PLATFORM_JAR runs another build of it (an earlier one, for a before/after in one sitting)
# while the load clients still come from JAR
PLATFORM_JAR=${BENCH_PLATFORM_JAR:-$JAR}
WORK=$(mktemp -d)
LOG="$WORK/emporium.log"

cleanup() {
  if [ -n "${PID:-}" ]; then kill -TERM "$PID" 2>/dev/null && wait "$PID" 2>/dev/null || true; fi
  # the launcher deletes its --ephemeral directory on exit, but PostgreSQL may still write into it while it stops
  if [[ "${DATA:-}" == */emporium-* ]]; then rm -rf "$DATA"; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'echo "idle.sh: failed at line $LINENO" >&2' ERR

[ -f "$JAR" ] || { echo "no $JAR; build it (./mvnw -B -DskipTests package)"; exit 1; }

APP_PORT=$PORT CATALOG_GRPC_PORT=19131 ORDERING_GRPC_PORT=19132 PAYMENT_GRPC_PORT=19133 REALTIME_GRPC_PORT=19134 IDENTITY_GRPC_PORT=19135 \
  EMPORIUM_ACCESS_LOG=WARN java -jar "$PLATFORM_JAR" --ephemeral > "$LOG" 2>&1 &
PID=$!
. deploy/bench/cpu.sh
await_ready


echo "idle benchmark: ready, then ${SETTLE}s to settle and ${DURATION}s measured, $(nproc) cores"
echo "load before: $(uptime)"
sleep "$SETTLE"
record_window
snapshot start
sleep "$DURATION"
snapshot end
echo "load after:  $(uptime)"

WINDOW=$(window_seconds)
cpu_parts | awk -F'\t' -v s="$WINDOW" '{ part[NR] = $1; sec[NR] = $2; all += $2 } END {
  printf "idle cores  %.3f  (the average over %.1f s), by part:\n", all / s, s
  for (i = 1; i <= NR; i++) printf "  %-14s %.3f\n", part[i], sec[i] / s }'
cpu_report
