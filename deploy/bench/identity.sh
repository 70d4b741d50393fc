#!/usr/bin/env bash
# Identity benchmark, all in one run on this machine:
#   cold start to ready, resident memory after start, then wrk at 64 connections against
#   GET /health/live (baseline), GET /api/v1/users/me and POST /api/v1/auth/login.
# Needs: a built deploy/target/emporium.jar (./mvnw -B -DskipTests package) and wrk (apt-get install wrk).
# Usage: deploy/bench/identity.sh [seconds-per-run, default 20]
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION=${1:-20}
PORT=${BENCH_PORT:-18080}
DATA=$(mktemp -d)
LOG="$DATA/emporium.log"
BENCH_DIR=deploy/bench
export BENCH_EMAIL="bench-$(date +%s)@example.com" BENCH_PASSWORD="Bench-Marked-Lantern-7"

cleanup() { [ -n "${PID:-}" ] && kill -TERM "$PID" 2>/dev/null && wait "$PID" 2>/dev/null; rm -rf "$DATA"; }
trap cleanup EXIT

start=$(date +%s%N)
# Login limits are for attackers; the benchmark is one client address hammering one account on purpose.
APP_PORT=$PORT CATALOG_GRPC_PORT=19101 ORDERING_GRPC_PORT=19102 PAYMENT_GRPC_PORT=19103 REALTIME_GRPC_PORT=19104 IDENTITY_GRPC_PORT=19105 \
  DATA_DIR="$DATA/data" LOGIN_MAX_ATTEMPTS_PER_ADDRESS=1000000 LOGIN_MAX_FAILURES_PER_ACCOUNT=10000 EMPORIUM_ACCESS_LOG=WARN \
  java -jar deploy/target/emporium.jar > "$LOG" 2>&1 &
PID=$!
until curl -sf "http://localhost:$PORT/health/ready" > /dev/null; do
  kill -0 "$PID" 2>/dev/null || { echo "emporium died:"; tail -20 "$LOG"; exit 1; }
  sleep 0.1
done
ready=$(( ($(date +%s%N) - start) / 1000000 ))
rss_kb=$(ps -o rss= -p "$PID" | tr -d ' ')
tree_kb() { local total=$(ps -o rss= -p "$1" | tr -d ' '); for c in $(pgrep -P "$1"); do total=$((total + $(tree_kb "$c"))); done; echo "$total"; }
all_kb=$(tree_kb "$PID")
for pg in $(pgrep -f "$DATA/data/postgres"); do all_kb=$((all_kb + $(ps -o rss= -p "$pg" | tr -d ' '))); done  # pg_ctl detaches PostgreSQL

API="http://localhost:$PORT/api/v1"
curl -sf -X POST "$API/auth/register" -H 'Content-Type: application/json' \
  -d "{\"email\":\"$BENCH_EMAIL\",\"password\":\"$BENCH_PASSWORD\",\"fullName\":\"Load Tester\"}" > /dev/null
export BENCH_TOKEN=$(curl -sf -X POST "$API/auth/login" -H 'Content-Type: application/json' \
  -d "{\"email\":\"$BENCH_EMAIL\",\"password\":\"$BENCH_PASSWORD\"}" | sed 's/.*"accessToken":"\([^"]*\)".*/\1/')

run() { # name, wrk args...
  local name=$1; shift
  wrk -t2 -c64 -d"${DURATION}s" --timeout 10s --latency "$@" > "$DATA/$name.txt"
  local rps stats
  rps=$(awk '/Requests\/sec/ {print $2}' "$DATA/$name.txt")
  stats=$(grep -E '^p50=' "$DATA/$name.txt" || true)
  printf '%-14s %10s req/s  %s\n' "$name" "$rps" "$stats"
  echo "$rps" > "$DATA/$name.rps"
}

echo "cold start to ready: ${ready} ms (JVM start to /health/ready 200, embedded PostgreSQL, Redis, Kafka, SMTP)"
echo "resident memory after start: $((rss_kb / 1024)) MiB launcher JVM (Vert.x, in-JVM Kafka and SMTP), $((all_kb / 1024)) MiB with the embedded PostgreSQL and Redis processes"
echo "wrk: 2 threads, 64 connections, ${DURATION}s each, $(nproc) cores"
wrk -t2 -c64 -d3s "http://localhost:$PORT/health/live" > /dev/null  # warm-up
wrk -t2 -c64 -d3s -s "$BENCH_DIR/me.lua" "$API/users/me" > /dev/null
run health-live -s "$BENCH_DIR/me.lua" "http://localhost:$PORT/health/live"
run users-me -s "$BENCH_DIR/me.lua" "$API/users/me"
run login -s "$BENCH_DIR/login.lua" "$API/auth/login"
awk -v h="$(cat "$DATA/health-live.rps")" -v m="$(cat "$DATA/users-me.rps")" -v l="$(cat "$DATA/login.rps")" \
  'BEGIN { printf "ratios: users-me/health-live = %.2f, login/users-me = %.4f\n", m / h, l / m }'
