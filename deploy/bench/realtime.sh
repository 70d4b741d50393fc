#!/usr/bin/env bash
# Real-time benchmark, all in one run on this machine: N SockJS sockets (raw WebSocket transport), each registered for its
# own user.{id}.orders, and order status changes produced to Kafka at a fixed rate, round-robin over the sockets
# (io.emporium.bench.RealtimeBench). Reports the delay from the event on Kafka to the message on the socket, lost
# and duplicated messages, and memory per connection (platform JVM heap after a full GC and RSS, with no sockets, with
# all registered, and after the messages; the load client's own too). Then where the CPU went over the measured window.
# Needs: a built deploy/target/emporium.jar (./mvnw -B -DskipTests package) and the JDK's jcmd and jstat.
# Usage: deploy/bench/realtime.sh [connections, default 10000] [status changes per second, default 200] [measured seconds, default 60]
#   BENCH_WARMUP (seconds, default 10), BENCH_SETTLE (seconds to wait for registrations after the last socket opens,
#   default 10) and BENCH_DEFLATE=false (do not offer per-message deflate, which browsers offer) tune the client.
set -euo pipefail
export LC_ALL=C
cd "$(dirname "$0")/../.."
CONNECTIONS=${1:-10000}
RATE=${2:-200}
DURATION=${3:-60}
WARMUP=${BENCH_WARMUP:-10}
PORT=${BENCH_PORT:-18081}
JAR=deploy/target/emporium.jar
# the load clients, run beside the platform's jar
BENCH_JAR=deploy/bench/target/emporium-bench.jar
# the platform measured; BENCH_PLATFORM_JAR runs another build of it (an earlier one, for a before/after in one sitting)
# while the load clients still come from JAR
PLATFORM_JAR=${BENCH_PLATFORM_JAR:-$JAR}
WORK=$(mktemp -d)
LOG="$WORK/emporium.log"
OUT="$WORK/client.txt"

cleanup() {
  if [ -n "${CLIENT:-}" ]; then kill -TERM "$CLIENT" 2>/dev/null || true; fi
  if [ -n "${PID:-}" ]; then kill -TERM "$PID" 2>/dev/null && wait "$PID" 2>/dev/null || true; fi
  # the launcher deletes its --ephemeral directory on exit, but PostgreSQL may still write into it while it stops
  if [[ "${DATA:-}" == */emporium-* ]]; then rm -rf "$DATA"; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'echo "realtime.sh: failed at line $LINENO" >&2' ERR

[ -f "$BENCH_JAR" ] || { echo "no $BENCH_JAR; build it (./mvnw -B -DskipTests package)"; exit 1; }
command -v jcmd > /dev/null && command -v jstat > /dev/null || { echo "jcmd and jstat (from the JDK) are needed for the memory readings"; exit 1; }
# each socket is a descriptor in both JVMs, plus what the platform's Kafka, PostgreSQL pools and jars hold
ulimit -n "$(ulimit -Hn)"
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt $((CONNECTIONS + 2000)) ]; then
  echo "open files limited to $(ulimit -n); $CONNECTIONS sockets need about $((CONNECTIONS + 2000)) (raise the hard limit: ulimit -Hn)"
  exit 1
fi
# the platform signs access tokens with it and the client mints the seeded users' tokens with it; a fresh one per run
JWT_SECRET=$(head -c 48 /dev/urandom | base64 -w0 | tr '+/' '-_')

JWT_SECRET=$JWT_SECRET APP_PORT=$PORT CATALOG_GRPC_PORT=19111 ORDERING_GRPC_PORT=19112 PAYMENT_GRPC_PORT=19113 REALTIME_GRPC_PORT=19114 IDENTITY_GRPC_PORT=19115 \
  EMPORIUM_ACCESS_LOG=WARN java -jar "$PLATFORM_JAR" --ephemeral > "$LOG" 2>&1 &
PID=$!
. deploy/bench/cpu.sh
await_ready
KAFKA=$(grep -o 'embedded Kafka (KRaft) at [0-9.]*:[0-9]*' "$LOG" | head -1 | sed 's/.* at //')
[ -n "$POSTGRES" ] && [ -n "$KAFKA" ] || { echo "cannot find the embedded PostgreSQL and Kafka addresses in the log"; exit 1; }
MAX_HEAP=$(jcmd "$PID" VM.flags 2>/dev/null | grep -o ' -XX:MaxHeapSize=[0-9]*' | awk -F= '{ printf "%.0f MiB", $2 / 1048576 }' || true)


echo "realtime benchmark: $CONNECTIONS sockets, $RATE status changes/s, ${DURATION}s measured after ${WARMUP}s warm-up, $(nproc) cores;"
echo "  the platform (pid $PID, max heap ${MAX_HEAP:-?}) and the load client run on this machine, over loopback"
echo "load before: $(uptime)"
JWT_SECRET=$JWT_SECRET java -cp "$JAR:$BENCH_JAR" io.emporium.bench.RealtimeBench "http://127.0.0.1:$PORT" "$POSTGRES" "$KAFKA" "$PID" \
  "$CONNECTIONS" "$RATE" "$DURATION" "$WARMUP" > "$OUT" 2>&1 &
CLIENT=$!
measure_window
grep -e '^setup:' -e '^primed:' -e '^connected:' "$OUT" || true
grep -v -e '^setup:' -e '^primed:' -e '^idle:' -e '^connected:' -e '^registered:' -e '^warm-up over' -e '^measured:' "$OUT" | grep -v '^{' || true
cpu_report
