#!/bin/bash
# Builds the Emporium image with podman on a machine without registry access: the base is a debootstrapped Debian
# bookworm with openjdk-17-jre-headless (localhost/emporium-base:bookworm, made once), the image localhost/emporium:dev.
# Run as root from anywhere; builds the launcher jar first if it is missing. With registry access, plain
# `docker build -f deploy/container/Containerfile .` (BASE defaults to eclipse-temurin:17-jre) does the same.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BASE_IMAGE=localhost/emporium-base:bookworm
IMAGE=${IMAGE:-localhost/emporium:dev}
cd "$ROOT"

missing=()
for tool in podman runc debootstrap; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if (( ${#missing[@]} )); then
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
fi

# runc and crun fail to set RLIMIT_NOFILE from podman's default ulimits here
if [[ ! -f /etc/containers/containers.conf ]]; then
  mkdir -p /etc/containers
  printf '[containers]\ndefault_ulimits = []\n' > /etc/containers/containers.conf
fi

if ! podman image exists "$BASE_IMAGE"; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  mirror=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  debootstrap --variant=minbase bookworm "$work/rootfs" "${mirror:-http://deb.debian.org/debian}"
  tar -C "$work/rootfs" -c . | podman import - localhost/emporium-debian:bookworm
  cat > "$work/Containerfile" <<'BASE'
FROM localhost/emporium-debian:bookworm
RUN apt-get update \
  && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends openjdk-17-jre-headless \
  && apt-get clean && rm -rf /var/lib/apt/lists/*
BASE
  podman --runtime runc build --network host -t "$BASE_IMAGE" -f "$work/Containerfile" "$work"
  podman rmi localhost/emporium-debian:bookworm >/dev/null
fi

if [[ ! -f deploy/target/emporium.jar ]]; then
  ./mvnw -B -q package -DskipTests -pl deploy -am
fi

# docker format: the OCI image format has no HEALTHCHECK
podman --runtime runc build --network host --format docker --build-arg BASE="$BASE_IMAGE" -t "$IMAGE" \
  -f deploy/container/Containerfile .
podman image ls "$IMAGE"
