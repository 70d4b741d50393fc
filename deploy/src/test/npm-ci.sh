#!/usr/bin/env bash
# Installs a test tool's npm packages (pinned in its package-lock.json) for the build; shared by the setup scripts that
# Maven runs before the tests. It never fails the build: what it could not install is written to
# $STATUS_DIR/unavailable, and the tests that need the tool fail with that reason (a skipped check would hide it).
# Usage: npm-ci.sh <package dir> <status dir> <what it installs, for messages> <commands it needs, e.g. "npm node">
set -u
here="$1"
status_dir="$2"
what="$3"
mkdir -p "$status_dir"
unavailable="$status_dir/unavailable"
rm -f "$unavailable"
log="$status_dir/setup.log"
: > "$log"

stamp="$here/node_modules/.installed-package-lock.json"
missing=""
for command in $4; do
  command -v "$command" > /dev/null || missing="$missing $command"
done
if [ -n "$missing" ]; then
  echo "not installed:$missing: $what ($here/package.json) cannot be installed" > "$unavailable"
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
[ -f "$unavailable" ] && echo "$what setup: $(cat "$unavailable")" >&2
exit 0
