#!/usr/bin/env bash
# Checkout benchmark, all in one run on this machine: N buyers loop add-to-cart → POST /checkout → pay on the
# Stripe emulator's hosted page → the push saying the order is paid, on each buyer's SockJS socket
# (io.emporium.bench.CheckoutBench).
# Prints the load client's summary, then where the CPU went over the measured window: the platform JVM
# (Vert.x, in-JVM Kafka, the Stripe emulator) by thread group, PostgreSQL, Redis and the whole machine; the load
# client reports its own CPU in its summary. Then per paid order: CPU-milliseconds by part and PostgreSQL transactions.
# Needs: a built deploy/target/emporium.jar (./mvnw -B -DskipTests package) and psql.
# Usage: deploy/bench/checkout.sh [buyers, default 32] [measured seconds, default 60]
#   BENCH_PAYPAL_PERCENT (default 0) puts that share of the buyers on PayPal (the emulator's approval page) instead of
#   a card, reported apart as "paid after approve";
#   BENCH_WARMUP (seconds, default 20: the JIT is still busy after 10) tunes the client; BENCH_JFR=<file> also records
#   the measured window with Java Flight Recorder (its own cost then counts in the figures).
set -euo pipefail
export LC_ALL=C
cd "$(dirname "$0")/../.."
BUYERS=${1:-32}
DURATION=${2:-60}
WARMUP=${BENCH_WARMUP:-20}
PORT=${BENCH_PORT:-18080}
JAR=deploy/target/emporium.jar
# the load clients, run beside the platform's jar
BENCH_JAR=deploy/bench/target/emporium-bench.jar
# the platform measured; BENCH_PLATFORM_JAR runs another build of it (an earlier one, for a before/after in one sitting)
# while the load clients still come from JAR
PLATFORM_JAR=${BENCH_PLATFORM_JAR:-$JAR}
WORK=$(mktemp -d)
LOG="$WORK/emporium.log"
OUT="$WORK/client.txt"

# each step may fail (a process already gone) without cutting the rest short under set -e
cleanup() {
  if [ -n "${CLIENT:-}" ]; then kill -TERM "$CLIENT" 2>/dev/null || true; fi
  if [ -n "${PID:-}" ]; then kill -TERM "$PID" 2>/dev/null && wait "$PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'echo "checkout.sh: failed at line $LINENO" >&2' ERR

[ -f "$BENCH_JAR" ] || { echo "no $BENCH_JAR; build it (./mvnw -B -DskipTests package)"; exit 1; }

# The limits are per user and per sending address: a few buyers buying back to back, and the one emulator sending every
# webhook (two per order), are exactly what they refuse (checkout 20/min a user, webhooks 60000/min an address).
APP_PORT=$PORT CATALOG_GRPC_PORT=19101 ORDERING_GRPC_PORT=19102 PAYMENT_GRPC_PORT=19103 REALTIME_GRPC_PORT=19104 IDENTITY_GRPC_PORT=19105 \
  RATE_LIMIT_CHECKOUT_USER=1000000/1m RATE_LIMIT_WRITE_USER=1000000/1m RATE_LIMIT_WEBHOOK=1000000/1m \
  EMPORIUM_ACCESS_LOG=WARN java -jar "$PLATFORM_JAR" --ephemeral > "$LOG" 2>&1 &
PID=$!
. deploy/bench/cpu.sh
await_ready


echo "checkout benchmark: $BUYERS buyers, ${DURATION}s measured after ${WARMUP}s warm-up, $(nproc) cores"
echo "load before: $(uptime)"
java -cp "$JAR:$BENCH_JAR" io.emporium.bench.CheckoutBench "http://127.0.0.1:$PORT" "$BUYERS" "$DURATION" "$WARMUP" "${BENCH_PAYPAL_PERCENT:-0}" > "$OUT" 2>&1 &
CLIENT=$!
measure_window
grep -v -e '^setup:' -e '^warm-up over' -e '^measured:' "$OUT" | grep -v '^{' || true
grep '^setup:' "$OUT"

cpu_report

PAID=$(sed -n 's/^completed checkouts *\([0-9]*\) paid.*/\1/p' "$OUT")
if [ "${PAID:-0}" -gt 0 ]; then
  echo "CPU per paid order over the measured window, in CPU-milliseconds ($PAID paid; the Stripe emulator runs on the platform's event loops):"
  cpu_parts | awk -F'\t' -v n="$PAID" '{ printf "  %-14s %6.1f\n", $1, 1000 * $2 / n; all += $2 } END { printf "  %-14s %6.1f\n", "all", 1000 * all / n }'
  if [ -s "$WORK/start.xacts" ] && [ -s "$WORK/end.xacts" ] && [ "$(cat "$WORK/start.xacts")" != "?" ] && [ "$(cat "$WORK/end.xacts")" != "?" ]; then
    XACTS=$(( $(cat "$WORK/end.xacts") - $(cat "$WORK/start.xacts") ))
    awk -v x="$XACTS" -v n="$PAID" 'BEGIN { printf "PostgreSQL transactions per paid order  %.1f (%d committed or rolled back over the window)\n", x / n, x }'
  else
    echo "PostgreSQL transactions per paid order  not read (no psql, or it could not connect)"
  fi
fi
