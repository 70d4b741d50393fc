#!/bin/bash
# Proves the container topology by running it (docs/deploy.md, "Proof by running it"): the Emporium image, built with
# build.sh, runs as separate containers (two edges, two ordering replicas, one catalog, payment and realtime) beside
# the backing services (PostgreSQL, Redis, Kafka, an SMTP sink, the Stripe and PayPal emulators), which run on this
# host in one launcher process (`--services=backing,stripe-emulator,paypal-emulator`). Run as root; podman, runc and
# debootstrap are installed if missing.
#
#   deploy/container/prove.sh             the whole proof: TopologyIT, through Maven (what `./mvnw -B verify` runs too)
#   deploy/container/prove.sh up DIR      build the image and start everything, write DIR/topology.env, then hold it
#                                         all until standard input closes (or SIGINT/SIGTERM); TopologyIT runs this
#
# `up` stops and removes everything it started when it ends, however it ends; it also removes containers a run that
# died left behind. Every container uses the host's network, each on ports of its own.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"

if [[ $# -eq 0 ]]; then
  exec ./mvnw -B verify -pl deploy -am -Dtest=TopologyIT -Dsurefire.failIfNoSpecifiedTests=false
fi
if [[ $# -ne 2 || $1 != up ]]; then
  echo "usage: $0 [up DIR]" >&2
  exit 2
fi
STATE=$(mkdir -p "$2" && cd "$2" && pwd)
IMAGE=localhost/emporium:proof
LABEL=io.emporium.proof
RUN=$(date +%s)-$$
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
BACKING_PID=/run/emporium-proof-backing.pid

say() { echo "prove: $*"; }
fail() { echo "prove: $*" >&2; exit 1; }
seconds_since() { echo $(( $(date +%s) - $1 )); }

[[ $EUID -eq 0 ]] || fail "run as root: podman runs the containers as root here, and build.sh may need apt-get and debootstrap"
[[ -f deploy/target/emporium.jar ]] || fail "deploy/target/emporium.jar is missing: build it first (./mvnw -B package -DskipTests)"

backing_pid=
stop_everything() {
  local code=$?
  set +e
  trap - EXIT INT TERM
  local started stopping
  stopping=$(date +%s)
  started=$(podman ps -aq --filter "label=$LABEL" 2>/dev/null)
  if [[ -n $started ]]; then
    # two seconds of SIGTERM, then SIGKILL: nothing here needs a graceful stop
    podman rm -f -t 2 $started >>"$STATE/podman.log" 2>&1
  fi
  if [[ -n $backing_pid ]] && kill -0 "$backing_pid" 2>/dev/null; then
    kill -TERM "$backing_pid"
    for _ in $(seq 60); do kill -0 "$backing_pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$backing_pid" 2>/dev/null
  fi
  rm -f "$STATE/services.env" "$BACKING_PID"
  say "stopped and removed everything it started in $(seconds_since "$stopping") s"
  exit "$code"
}
trap stop_everything EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# a run that was killed outright leaves its containers and its backing services running: stop them first
leftovers=$(podman ps -aq --filter "label=$LABEL" 2>/dev/null || true)
if [[ -n $leftovers ]]; then
  say "removing $(wc -w <<<"$leftovers") containers a previous run left"
  podman rm -f -t 0 $leftovers >>"$STATE/podman.log" 2>&1
fi
if [[ -f $BACKING_PID ]]; then
  old=$(cat "$BACKING_PID")
  if [[ $(tr '\0' ' ' <"/proc/$old/cmdline" 2>/dev/null) == *"--services=backing,stripe-emulator"* ]]; then
    say "stopping the backing services a previous run left (pid $old)"
    kill -TERM "$old" 2>/dev/null || true
    for _ in $(seq 60); do kill -0 "$old" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$old" 2>/dev/null || true
  fi
  rm -f "$BACKING_PID"
fi

began=$(date +%s)
previous_image=$(podman image inspect --format '{{.Id}}' "$IMAGE" 2>/dev/null || true)
IMAGE=$IMAGE bash deploy/container/build.sh >"$STATE/build.log" 2>&1 || { tail -20 "$STATE/build.log" >&2; fail "build.sh failed (log: $STATE/build.log)"; }
image_seconds=$(seconds_since "$began")
# the image this build replaced, unless something still uses it
if [[ -n $previous_image && $previous_image != "$(podman image inspect --format '{{.Id}}' "$IMAGE")" ]]; then
  podman rmi "$previous_image" >/dev/null 2>&1 || true
fi
say "image $IMAGE built in $image_seconds s"

# ports below Linux's ephemeral range (32768 and up), none listening now, none given twice
given=" "
port() {
  local p
  while :; do
    p=$(( 20000 + RANDOM % 12000 ))
    [[ $given == *" $p "* ]] && continue
    [[ -z $(ss -Htln "sport = :$p" 2>/dev/null) ]] || continue
    given+="$p "
    printf -v "$1" %s "$p"
    return
  done
}
port STRIPE_PORT
port PAYPAL_PORT
for c in EDGE_1 EDGE_2; do port "${c}_APP"; port "${c}_IDENTITY"; done
for c in CATALOG ORDERING_1 ORDERING_2 PAYMENT REALTIME; do port "${c}_GRPC"; port "${c}_METRICS"; done
for c in EDGE_1 EDGE_2 CATALOG ORDERING_1 ORDERING_2 PAYMENT REALTIME; do port "${c}_CLUSTER"; done
JWT_SECRET=$(head -c 48 /dev/urandom | base64 | tr -d '/+=\n')
STRIPE_WEBHOOK_SECRET=whsec_$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
PAYPAL_WEBHOOK_ID=$(head -c 9 /dev/urandom | od -An -tx1 | tr -d ' \n' | tr a-f A-F | cut -c1-17)

# the backing services: embedded servers in one launcher on this host, its data deleted when it stops; Stripe's
# webhooks go to the second edge, the one the proof keeps alive (a load balancer's job in production)
began=$(date +%s)
JWT_SECRET=$JWT_SECRET STRIPE_WEBHOOK_SECRET=$STRIPE_WEBHOOK_SECRET STRIPE_EMULATOR_PORT=$STRIPE_PORT \
  STRIPE_WEBHOOK_URL=http://127.0.0.1:$EDGE_2_APP/api/v1/payments/webhook \
  PAYPAL_WEBHOOK_ID=$PAYPAL_WEBHOOK_ID PAYPAL_EMULATOR_PORT=$PAYPAL_PORT \
  PAYPAL_WEBHOOK_URL=http://127.0.0.1:$EDGE_2_APP/api/v1/payments/paypal/webhook \
  setsid "$JAVA" -Xmx768m -jar deploy/target/emporium.jar --services=backing,stripe-emulator,paypal-emulator --ephemeral \
  </dev/null >"$STATE/backing.log" 2>&1 &
backing_pid=$!
echo "$backing_pid" >"$BACKING_PID"
until grep -q '^Emporium ready in' "$STATE/backing.log"; do
  kill -0 "$backing_pid" 2>/dev/null || { tail -20 "$STATE/backing.log" >&2; fail "the backing services did not start"; }
  (( $(seconds_since "$began") < 120 )) || fail "the backing services were not ready in 120 s"
  sleep 0.5
done
backing_seconds=$(seconds_since "$began")
say "backing services ready in $backing_seconds s (log: $STATE/backing.log)"

members=
for c in EDGE_1 EDGE_2 CATALOG ORDERING_1 ORDERING_2 PAYMENT REALTIME; do
  v=${c}_CLUSTER
  members+=${members:+,}127.0.0.1:${!v}
done
{
  # where the backing services are, as the launcher printed them
  sed -n 's/^  \([A-Z_]*=.*\)$/\1/p' "$STATE/backing.log"
  echo "JWT_SECRET=$JWT_SECRET"
  echo "STRIPE_WEBHOOK_SECRET=$STRIPE_WEBHOOK_SECRET"
  echo "PAYPAL_WEBHOOK_ID=$PAYPAL_WEBHOOK_ID"
  # the migrate container applied them
  echo "MIGRATE_ON_START=false"
  echo "CATALOG_GRPC_PORT=$CATALOG_GRPC"
  echo "ORDERING_GRPC_PORT=$ORDERING_1_GRPC"
  echo "PAYMENT_GRPC_PORT=$PAYMENT_GRPC"
  echo "REALTIME_GRPC_PORT=$REALTIME_GRPC"
  echo "IDENTITY_GRPC_PORT=$EDGE_2_IDENTITY"
  echo "CATALOG_GRPC_ADDRESS=127.0.0.1:$CATALOG_GRPC"
  echo "PAYMENT_GRPC_ADDRESS=127.0.0.1:$PAYMENT_GRPC"
  echo "REALTIME_GRPC_ADDRESS=127.0.0.1:$REALTIME_GRPC"
  # realtime asks identity on the edge that stays up
  echo "IDENTITY_GRPC_ADDRESS=127.0.0.1:$EDGE_2_IDENTITY"
  echo "CLUSTER_ENABLED=true"
  echo "CLUSTER_NAME=emporium-proof-$RUN"
  echo "CLUSTER_HOST=127.0.0.1"
  echo "CLUSTER_MEMBERS=$members"
  echo "EDGE_INSTANCES=1"
  # the buyers come from a few addresses and many accounts: limits out of the way, as in the end-to-end tests
  for group in READ WRITE AUTH CHECKOUT; do
    echo "RATE_LIMIT_${group}_ANONYMOUS=1000000/1m"
    echo "RATE_LIMIT_${group}_USER=1000000/1m"
  done
  echo "LOGIN_MAX_ATTEMPTS_PER_ADDRESS=1000"
  # the shortest the settings allow, so that checkouts a killed container left between steps settle within the proof
  echo "CHECKOUT_SESSION_LIFETIME=1m"
  echo "CHECKOUT_OVERDUE_AFTER=5s"
  echo "CHECKOUT_SWEEP_INTERVAL=1s"
  echo "CHECKOUT_HOLD_MARGIN=10s"
  echo "CHECKOUT_ABANDONED_AFTER=15s"
} >"$STATE/services.env"
chmod 600 "$STATE/services.env"

began=$(date +%s)
podman --runtime runc run --rm --name emporium-proof-migrate --label "$LABEL=$RUN" --network host \
  --env-file "$STATE/services.env" "$IMAGE" migrate >"$STATE/migrate.log" 2>&1 \
  || { cat "$STATE/migrate.log" >&2; fail "migrate failed"; }
migrate_seconds=$(seconds_since "$began")
say "migrate ran in $migrate_seconds s"

# one container: its name, its arguments and the settings that are its own
start() {
  local name=$1 services=$2
  shift 2
  local env=()
  for setting in "$@"; do env+=(-e "$setting"); done
  # podman logs that it cannot reach systemd to time health checks: this script runs them itself. A container that
  # fails is started again, as Compose and Kubernetes do (on a busy 2-core machine a first start can time out on
  # Kafka); one killed with `podman kill` is not.
  podman --runtime runc run -d --name "emporium-proof-$name" --label "$LABEL=$RUN" --network host --memory 1g \
    --restart on-failure:3 \
    --env-file "$STATE/services.env" "${env[@]}" "$IMAGE" "--services=$services" >>"$STATE/podman.log" 2>&1
}
began=$(date +%s)
start edge-1 edge APP_PORT="$EDGE_1_APP" IDENTITY_GRPC_PORT="$EDGE_1_IDENTITY" CLUSTER_PORT="$EDGE_1_CLUSTER" \
  ORDERING_GRPC_ADDRESS=127.0.0.1:"$ORDERING_1_GRPC"
start edge-2 edge APP_PORT="$EDGE_2_APP" IDENTITY_GRPC_PORT="$EDGE_2_IDENTITY" CLUSTER_PORT="$EDGE_2_CLUSTER" \
  ORDERING_GRPC_ADDRESS=127.0.0.1:"$ORDERING_2_GRPC"
start catalog catalog METRICS_PORT="$CATALOG_METRICS" CLUSTER_PORT="$CATALOG_CLUSTER"
start ordering-1 ordering ORDERING_GRPC_PORT="$ORDERING_1_GRPC" METRICS_PORT="$ORDERING_1_METRICS" CLUSTER_PORT="$ORDERING_1_CLUSTER"
start ordering-2 ordering ORDERING_GRPC_PORT="$ORDERING_2_GRPC" METRICS_PORT="$ORDERING_2_METRICS" CLUSTER_PORT="$ORDERING_2_CLUSTER"
start payment payment METRICS_PORT="$PAYMENT_METRICS" CLUSTER_PORT="$PAYMENT_CLUSTER"
start realtime realtime METRICS_PORT="$REALTIME_METRICS" CLUSTER_PORT="$REALTIME_CLUSTER"
containers=(edge-1 edge-2 catalog ordering-1 ordering-2 payment realtime)

# ready: every container's own HEALTHCHECK passes (an edge's /health/ready checks the backing services and its gRPC
# peers), and each has seen all seven members in its event-bus cluster
waiting=("${containers[@]}")
while (( ${#waiting[@]} )); do
  (( $(seconds_since "$began") < 240 )) || fail "not ready in 240 s: ${waiting[*]} (podman logs emporium-proof-<name>)"
  still=()
  for name in "${waiting[@]}"; do
    read -r state restarts < <(podman inspect --format '{{.State.Status}} {{.RestartCount}}' "emporium-proof-$name" 2>/dev/null \
      || echo gone 0)
    if [[ $state == gone || ($state != running && $restarts -ge 3) ]]; then
      podman logs --tail 20 "emporium-proof-$name" >&2 2>&1 || true
      fail "container $name is $state after $restarts restarts"
    fi
    if podman healthcheck run "emporium-proof-$name" >/dev/null 2>&1 \
        && [[ $(podman logs "emporium-proof-$name" 2>&1) == *'Members {size:7,'* ]]; then
      continue
    fi
    still+=("$name")
  done
  waiting=("${still[@]}")
  (( ${#waiting[@]} )) && sleep 1
done
ready_seconds=$(seconds_since "$began")
restarted=
for name in "${containers[@]}"; do
  restarts=$(podman inspect --format '{{.RestartCount}}' "emporium-proof-$name")
  (( restarts == 0 )) || restarted+=" $name ($restarts)"
done
say "${#containers[@]} containers healthy and clustered in $ready_seconds s; restarted on the way:${restarted:- none}"

{
  grep -E '^(DB_[A-Z]+|STRIPE_API_BASE|JWT_SECRET)=' "$STATE/services.env"
  echo "EDGE_1_PORT=$EDGE_1_APP"
  echo "EDGE_2_PORT=$EDGE_2_APP"
  echo "ORDERING_1_METRICS_PORT=$ORDERING_1_METRICS"
  echo "ORDERING_2_METRICS_PORT=$ORDERING_2_METRICS"
  echo "CONTAINER_PREFIX=emporium-proof-"
  echo "IMAGE_SECONDS=$image_seconds"
  echo "BACKING_SECONDS=$backing_seconds"
  echo "MIGRATE_SECONDS=$migrate_seconds"
  echo "READY_SECONDS=$ready_seconds"
} >"$STATE/topology.env.part"
mv "$STATE/topology.env.part" "$STATE/topology.env"
say "topology ready: edges on ports $EDGE_1_APP and $EDGE_2_APP; close standard input to stop it"

# hold everything until whoever started this lets go; the trap above then stops it all
while read -r _; do :; done
