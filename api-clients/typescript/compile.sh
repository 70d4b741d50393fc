#!/usr/bin/env bash
# Type-checks the TypeScript client generated from the OpenAPI document with the compiler pinned in package-lock.json;
# Maven runs it after generating the client, and any compile error (or no npm) fails the build.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if ! command -v npm > /dev/null; then
  echo "npm is not installed: the generated TypeScript client cannot be compiled (install Node.js with npm, or build with -DskipTests)" >&2
  exit 1
fi
stamp="$here/node_modules/.installed-package-lock.json"
if ! cmp -s "$here/package-lock.json" "$stamp"; then
  # npm ci installs exactly what package-lock.json says; skipped while node_modules holds that already
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
  cp "$here/package-lock.json" "$stamp"
fi
"$here/node_modules/.bin/tsc" -p "$here/tsconfig.json"
echo "generated TypeScript client compiles"
