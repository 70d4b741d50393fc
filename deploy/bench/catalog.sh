#!/usr/bin/env bash
# Catalog benchmark on a generated catalog, all in one run on this machine: wrk (2 threads, 64 connections) against
#   two ceilings:
#     GET /health/live                       a bare JSON endpoint of the same edge,
#     PrimaryKeyReads                        a bare Vert.x server reading one row of catalog.products by a random
#                                            primary key (a prepared statement) from the same PostgreSQL;
#   then the catalog's reads:
#     GET /api/v1/products/{id}              a random id over all products (mostly misses: one catalog read each),
#     GET /api/v1/products/{id}              a random id over a hot set of 1 000 (served from the edge's near cache),
#     GET /api/v1/products?q=...&sort=...    a different search each request (search.lua: most miss every cache),
#     GET /api/v1/products?q=copper+kettle&sort=price   one listing, cached after its first request;
# each printed as a ratio to its ceiling, and the platform JVM's resident memory at the end.
# Needs: a built deploy/target/emporium.jar (./mvnw -B -DskipTests package) and wrk (apt-get install wrk).
# Usage: deploy/bench/catalog.sh [products, default 100000] [seconds-per-run, default 20]
#   BENCH_JFR=<file> records the platform JVM over the random-product run with Java Flight Recorder.
set -euo pipefail
cd "$(dirname "$0")/../.."
PRODUCTS=${1:-100000}
DURATION=${2:-20}
PORT=${BENCH_PORT:-18080}
PK_PORT=${BENCH_PK_PORT:-18090}
JAR=deploy/target/emporium.jar
# the load clients, run beside the platform's jar
BENCH_JAR=deploy/bench/target/emporium-bench.jar
# the platform measured; BENCH_PLATFORM_JAR runs another build of it (an earlier one, for a before/after in one sitting)
# while the load clients still come from JAR
PLATFORM_JAR=${BENCH_PLATFORM_JAR:-$JAR}
WORK=$(mktemp -d)
LOG="$WORK/emporium.log"
BENCH_DIR=deploy/bench
HOT=1000

[ -f "$BENCH_JAR" ] || { echo "no $BENCH_JAR; build it (./mvnw -B -DskipTests package)"; exit 1; }

# a stopped process's wait answers 143: not a failure of the run, and set -e must not cut the cleanup short
cleanup() {
  if [ -n "${PK_PID:-}" ]; then kill -TERM "$PK_PID" 2>/dev/null || true; wait "$PK_PID" 2>/dev/null || true; fi
  if [ -n "${PID:-}" ]; then kill -TERM "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# reads are limited per client address: wrk is one address, so the limit is set out of its way (still counted in Redis)
APP_PORT=$PORT CATALOG_GRPC_PORT=19101 ORDERING_GRPC_PORT=19102 PAYMENT_GRPC_PORT=19103 REALTIME_GRPC_PORT=19104 IDENTITY_GRPC_PORT=19105 \
  RATE_LIMIT_READ_ANONYMOUS=1000000/1s EMPORIUM_ACCESS_LOG=WARN \
  java -jar "$PLATFORM_JAR" --ephemeral --synthetic-products="$PRODUCTS" > "$LOG" 2>&1 &
PID=$!
. "$BENCH_DIR/cpu.sh"
await_ready
grep -o 'generated a synthetic catalog of [0-9]* products[^"]*' "$LOG" || true
[ -n "${POSTGRES:-}" ] || { echo "no embedded PostgreSQL address in the log"; exit 1; }

# the primary-key ceiling; it also writes every active product's id, from which the hot set is the first $HOT
java -cp "$JAR:$BENCH_JAR" io.emporium.bench.PrimaryKeyReads "$PK_PORT" "$POSTGRES" "$WORK/ids.txt" > "$WORK/pk.log" 2>&1 &
PK_PID=$!
until grep -q "primary-key reads of" "$WORK/pk.log" 2>/dev/null; do
  kill -0 "$PK_PID" 2>/dev/null || { echo "PrimaryKeyReads died:"; tail -20 "$WORK/pk.log"; exit 1; }
  sleep 0.5
done
head -n "$HOT" "$WORK/ids.txt" > "$WORK/hot.txt"

BASE="http://localhost:$PORT"
LISTING="$BASE/api/v1/products?q=copper+kettle&sort=price"

run() { # name, wrk args...
  local name=$1; shift
  wrk -t2 -c64 -d"${DURATION}s" --timeout 10s --latency "$@" > "$WORK/$name.txt"
  local rps stats
  rps=$(awk '/Requests\/sec/ {print $2}' "$WORK/$name.txt")
  stats=$(grep -E '^p50=' "$WORK/$name.txt" || true)
  printf '%-16s %10s req/s  %s\n' "$name" "$rps" "$stats"
  echo "$rps" > "$WORK/$name.rps"
}
warm() { wrk -t2 -c64 -d3s "$@" > /dev/null; }
ratio() { awk -v a="$(cat "$WORK/$1.rps")" -v b="$(cat "$WORK/$2.rps")" 'BEGIN { printf "%.3f", a / b }'; }

echo "wrk: 2 threads, 64 connections, ${DURATION}s each, $(nproc) cores, $(wc -l < "$WORK/ids.txt") active products, hot set $HOT"
warm "$BASE/health/live"
warm "http://localhost:$PK_PORT/"
warm -s "$BENCH_DIR/products.lua" "$BASE" -- "$WORK/hot.txt"
warm "$LISTING"
warm -s "$BENCH_DIR/search.lua" "$BASE"
run health-live -s "$BENCH_DIR/stats.lua" "$BASE/health/live"
run pk-read -s "$BENCH_DIR/stats.lua" "http://localhost:$PK_PORT/"
record_window # with BENCH_JFR: where a miss spends its time, over the random-product run
run product-random -s "$BENCH_DIR/products.lua" "$BASE" -- "$WORK/ids.txt"
run product-hot -s "$BENCH_DIR/products.lua" "$BASE" -- "$WORK/hot.txt"
run search-varied -s "$BENCH_DIR/search.lua" "$BASE"
run listing-cached -s "$BENCH_DIR/stats.lua" "$LISTING"
echo "ratios to pk-read: product-random = $(ratio product-random pk-read), search-varied = $(ratio search-varied pk-read)"
echo "ratios to health-live: product-hot = $(ratio product-hot health-live), listing-cached = $(ratio listing-cached health-live), pk-read = $(ratio pk-read health-live)"
echo "platform JVM resident memory: $(awk '/^VmRSS/ { printf "%.0f MiB", $2 / 1024 }' "/proc/$PID/status")"
