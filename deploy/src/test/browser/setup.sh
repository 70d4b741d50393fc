#!/usr/bin/env bash
# What the headless-browser tests need, installed by the build itself (Maven runs this before the tests):
# Debian's Chromium at /usr/bin/chromium, and the page's npm packages in node_modules/.
# It never fails the build: what it could not install is written to $STATUS_DIR/unavailable, and the
# browser tests fail with that reason (a skipped browser test would hide it).
set -u
here="$(cd "$(dirname "$0")" && pwd)"
status_dir="${1:-$here/../../../target/browser-setup}"
mkdir -p "$status_dir"
unavailable="$status_dir/unavailable"
rm -f "$unavailable"
log="$status_dir/setup.log"
: > "$log"

missing() {
  echo "$1" >> "$unavailable"
  echo "browser setup: $1" >&2
}

timed() {
  local started=$SECONDS
  "$@" >> "$log" 2>&1
  local status=$?
  echo "$* -> exit $status in $((SECONDS - started)) s" >> "$log"
  return $status
}

if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" != 0 ]; then
    missing "/usr/bin/chromium is missing and this build does not run as root, so it cannot install it: run 'apt-get install -y --no-install-recommends chromium' as root"
  elif ! command -v apt-get > /dev/null; then
    missing "/usr/bin/chromium is missing and there is no apt-get to install Debian's chromium package with"
  else
    echo "browser setup: installing Debian's chromium (once per machine); log in $log" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt=(apt-get -y -q -o DPkg::Lock::Timeout=300)
    # the package lists are fetched only when they do not know chromium yet
    if ! apt-cache show chromium > /dev/null 2>&1; then
      timed "${apt[@]}" update
    fi
    if ! timed "${apt[@]}" install --no-install-recommends chromium; then
      timed "${apt[@]}" update && timed "${apt[@]}" install --no-install-recommends chromium
    fi
    if [ ! -x /usr/bin/chromium ]; then
      missing "apt-get could not install Debian's chromium: see the end of $log"
    fi
  fi
fi

stamp="$here/node_modules/.installed-package-lock.json"
if ! command -v npm > /dev/null; then
  missing "npm is not installed: the page's packages ($here/package.json) cannot be installed"
elif ! cmp -s "$here/package-lock.json" "$stamp"; then
  # npm ci installs exactly what package-lock.json says; skipped while node_modules holds that already
  if (cd "$here" && timed npm ci --no-audit --no-fund --loglevel=error); then
    cp "$here/package-lock.json" "$stamp"
  else
    missing "npm ci in $here failed: see the end of $log"
  fi
fi
exit 0
