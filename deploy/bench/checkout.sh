#!/usr/bin/env bash
# Checkout benchmark, all in one run on this machine: N buyers loop add-to-cart → POST /checkout → pay on the
# Stripe emulator's hosted page → poll the order until paid (io.emporium.deploy.bench.CheckoutBench).
# Prints the load client's summary, then where the CPU went over the measured window: the platform JVM
# (Vert.x, in-JVM Kafka, the Stripe emulator) by thread group, PostgreSQL, Redis and the whole machine; the load
# client reports its own CPU in its summary.
# Needs: a built deploy/target/emporium.jar (./mvnw -B -DskipTests package).
# Usage: deploy/bench/checkout.sh [buyers, default 32] [measured seconds, default 60]
#   BENCH_WARMUP (seconds, default 20: the JIT is still busy after 10) and BENCH_POLL_MS (order polling interval, default 20) tune the client.
set -euo pipefail
export LC_ALL=C
cd "$(dirname "$0")/../.."
BUYERS=${1:-32}
DURATION=${2:-60}
WARMUP=${BENCH_WARMUP:-20}
POLL_MS=${BENCH_POLL_MS:-20}
PORT=${BENCH_PORT:-18080}
JAR=deploy/target/emporium.jar
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

unzip -l "$JAR" | grep -c 'io/emporium/deploy/bench/CheckoutBench.class' > /dev/null || { echo "$JAR has no CheckoutBench; rebuild it"; exit 1; }

APP_PORT=$PORT CATALOG_GRPC_PORT=19101 ORDERING_GRPC_PORT=19102 PAYMENT_GRPC_PORT=19103 REALTIME_GRPC_PORT=19104 \
  EMPORIUM_ACCESS_LOG=WARN java -jar "$JAR" --ephemeral > "$LOG" 2>&1 &
PID=$!
until grep -q "Emporium ready" "$LOG" 2>/dev/null; do
  kill -0 "$PID" 2>/dev/null || { echo "emporium died:"; tail -20 "$LOG"; exit 1; }
  sleep 0.5
done
DATA=$(grep -o 'data     [^"\\]*' "$LOG" | head -1 | sed 's/^data *//')
POSTMASTER=$(head -1 "$DATA/postgres/postmaster.pid" 2>/dev/null || true)

# CPU time (clock ticks) of processes and of the JVM's threads, read from /proc at the window's start and end
# with few forks, so a reading takes a moment even on a loaded machine. PostgreSQL backends are children of the
# postmaster (pg_ctl detaches it from the JVM); Redis is a child of the JVM.
ticks() { cat $(printf '/proc/%s/stat ' "$@") 2>/dev/null | awk '{ sub(/.*\) /, ""); split($0, f, " "); t += f[12] + f[13] } END { print t + 0 }' || true; }
threads() { cat /proc/"$PID"/task/*/stat 2>/dev/null | awk '{ i = index($0, "("); j = match($0, /\) [A-Z] /); name = substr($0, i + 1, j - i - 1)
  split(substr($0, j + 2), f, " "); gsub(/[0-9]+/, "#", name); print name "\t" f[12] + f[13] }' || true; }
machine() { awk '/^cpu / { print $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9, $5 + $6 }' /proc/stat; }
snapshot() { # label
  local now family
  now=$(date +%s%N)
  family=$(ps -e -o pid=,ppid= | awk -v pm="${POSTMASTER:-none}" -v jvm="$PID" '
    $1 == pm || $2 == pm { pg = pg " " $1 } $2 == jvm { kids = kids " " $1 } END { print pg ":" kids }')
  echo "$now $(ticks "$PID") $(ticks ${family%%:*}) $(ticks ${family#*:}) $(machine)" > "$WORK/$1.cpu"
  threads > "$WORK/$1.threads"
}

echo "checkout benchmark: $BUYERS buyers, ${DURATION}s measured after ${WARMUP}s warm-up, $(nproc) cores"
echo "load before: $(uptime)"
java -cp "$JAR" io.emporium.deploy.bench.CheckoutBench "http://127.0.0.1:$PORT" "$BUYERS" "$DURATION" "$WARMUP" "$POLL_MS" > "$OUT" 2>&1 &
CLIENT=$!
wait_for() { until grep -q "$1" "$OUT"; do kill -0 "$CLIENT" 2>/dev/null || { cat "$OUT"; exit 1; }; sleep 0.2; done; }
wait_for "warm-up over"
snapshot start
sleep $((DURATION / 2))
echo "top at mid-window (platform JVM pid $PID, PostgreSQL postmaster pid ${POSTMASTER:-?}, load client pid $CLIENT):"
top -c -b -n 2 -d 2 -w 160 | awk '/^top -/ { n++ } n == 2' | sed -n '1,5p;7,14p' | sed 's/^/  /'
wait_for "measured:"
snapshot end
echo "load after:  $(uptime)"
wait "$CLIENT" || { cat "$OUT"; exit 1; }
CLIENT=
grep -v -e '^setup:' -e '^warm-up over' -e '^measured:' "$OUT" | grep -v '^{' || true
grep '^setup:' "$OUT"

read -r t0 j0 p0 r0 m0 i0 < "$WORK/start.cpu"
read -r t1 j1 p1 r1 m1 i1 < "$WORK/end.cpu"
WINDOW=$(awk -v t=$((t1 - t0)) 'BEGIN { printf "%.2f", t / 1e9 }')  # seconds between the two readings
hz=$(getconf CLK_TCK)
awk -v s="$WINDOW" -v hz="$hz" -v j=$((j1 - j0)) -v p=$((p1 - p0)) -v r=$((r1 - r0)) \
  -v m=$((m1 - m0)) -v i=$((i1 - i0)) -v n="$(nproc)" 'BEGIN {
  printf "CPU over the measured window (%.1f s between readings), in cores (of %d):\n", s, n
  printf "  platform JVM %.2f  PostgreSQL %.2f  Redis %.2f  machine busy %.2f (%.0f%%; the load client reports its own)\n",
    j / hz / s, p / hz / s, r / hz / s, (m - i) / hz / s, 100 * (m - i) / m }'
echo "platform JVM threads by CPU over the window (cores; digits in names folded to #):"
by_name() { awk -F'\t' '{ t[$1] += $2 } END { for (k in t) print k "\t" t[k] }' "$1" | sort -t $'\t' -k1,1; }
join -t $'\t' -a 2 -e 0 -o 0,1.2,2.2 <(by_name "$WORK/start.threads") <(by_name "$WORK/end.threads") |
  awk -F'\t' -v s="$WINDOW" -v hz="$hz" '{ d = ($3 - $2) / hz / s; if (d >= 0.01) printf "%.2f\t%s\n", d, $1 }' |
  sort -rn | head -12 | awk -F'\t' -v all="$(awk -v j=$((j1 - j0)) -v s="$WINDOW" -v hz="$hz" 'BEGIN { print j / hz / s }')" '
    { printf "  %-30s %s\n", $2, $1; listed += $1 } END { printf "  %-30s %.2f\n", "(smaller or ended threads)", all - listed }'
