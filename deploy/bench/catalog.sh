#!/usr/bin/env bash
# Catalog benchmark on a generated catalog, all in one run on this machine: wrk at 64 connections against
#   GET /health/live (the ceiling: a bare JSON endpoint of the same edge),
#   GET /api/v1/products/{id} (a cached product page),
#   GET /api/v1/products?q=copper+kettle&sort=price (one listing, cached after its first request),
#   GET /api/v1/products?q=...&sort=... (a different search each request, so most miss the cache and reach PostgreSQL).
# Needs: a built deploy/target/emporium.jar (./mvnw -B -DskipTests package) and wrk (apt-get install wrk).
# Usage: deploy/bench/catalog.sh [products, default 100000] [seconds-per-run, default 20]
set -euo pipefail
cd "$(dirname "$0")/../.."
PRODUCTS=${1:-100000}
DURATION=${2:-20}
PORT=${BENCH_PORT:-18080}
WORK=$(mktemp -d)
LOG="$WORK/emporium.log"
BENCH_DIR=deploy/bench

cleanup() { [ -n "${PID:-}" ] && kill -TERM "$PID" 2>/dev/null && wait "$PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

APP_PORT=$PORT CATALOG_GRPC_PORT=19101 ORDERING_GRPC_PORT=19102 PAYMENT_GRPC_PORT=19103 REALTIME_GRPC_PORT=19104 IDENTITY_GRPC_PORT=19105 \
  EMPORIUM_ACCESS_LOG=WARN java -jar deploy/target/emporium.jar --ephemeral --synthetic-products="$PRODUCTS" > "$LOG" 2>&1 &
PID=$!
until grep -q "Emporium ready" "$LOG"; do
  kill -0 "$PID" 2>/dev/null || { echo "emporium died:"; tail -20 "$LOG"; exit 1; }
  sleep 0.5
done
grep -o 'generated a synthetic catalog of [0-9]* products[^"]*' "$LOG"

API="http://localhost:$PORT/api/v1"
PRODUCT=$(curl -sf "$API/products?limit=1" | sed 's/.*"items":\[{"id":"\([^"]*\)".*/\1/')
LISTING="$API/products?q=copper+kettle&sort=price"

run() { # name, wrk args...
  local name=$1; shift
  wrk -t2 -c64 -d"${DURATION}s" --timeout 10s --latency "$@" > "$WORK/$name.txt"
  local rps stats
  rps=$(awk '/Requests\/sec/ {print $2}' "$WORK/$name.txt")
  stats=$(grep -E '^p50=' "$WORK/$name.txt" || true)
  printf '%-16s %10s req/s  %s\n' "$name" "$rps" "$stats"
  echo "$rps" > "$WORK/$name.rps"
}

echo "wrk: 2 threads, 64 connections, ${DURATION}s each, $(nproc) cores, $PRODUCTS products"
for url in "http://localhost:$PORT/health/live" "$API/products/$PRODUCT" "$LISTING"; do wrk -t2 -c64 -d3s "$url" > /dev/null; done
wrk -t2 -c64 -d3s -s "$BENCH_DIR/search.lua" "http://localhost:$PORT" > /dev/null
run health-live -s "$BENCH_DIR/stats.lua" "http://localhost:$PORT/health/live"
run product-cached -s "$BENCH_DIR/stats.lua" "$API/products/$PRODUCT"
run listing-cached -s "$BENCH_DIR/stats.lua" "$LISTING"
run search-varied -s "$BENCH_DIR/search.lua" "http://localhost:$PORT"
awk -v h="$(cat "$WORK/health-live.rps")" -v p="$(cat "$WORK/product-cached.rps")" -v l="$(cat "$WORK/listing-cached.rps")" \
  -v s="$(cat "$WORK/search-varied.rps")" \
  'BEGIN { printf "ratios to health-live: product-cached = %.2f, listing-cached = %.2f, search-varied = %.3f\n", p / h, l / h, s / h }'
