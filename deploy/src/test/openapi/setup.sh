#!/usr/bin/env bash
# The OpenAPI linter (@redocly/cli, pinned in package-lock.json), installed by the build itself (Maven runs this before
# the tests). It never fails the build: what it could not install is written to $STATUS_DIR/unavailable, and OpenApiIT
# fails with that reason (a skipped lint would hide it).
set -u
here="$(cd "$(dirname "$0")" && pwd)"
status_dir="${1:-$here/../../../target/openapi-lint-setup}"
mkdir -p "$status_dir"
unavailable="$status_dir/unavailable"
rm -f "$unavailable"
log="$status_dir/setup.log"
: > "$log"

stamp="$here/node_modules/.installed-package-lock.json"
if ! command -v npm > /dev/null; then
  echo "npm is not installed: the OpenAPI linter ($here/package.json) cannot be installed" > "$unavailable"
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
[ -f "$unavailable" ] && echo "openapi lint setup: $(cat "$unavailable")" >&2
exit 0
