#!/usr/bin/env bash
# The OpenAPI linter (@redocly/cli, pinned in package-lock.json), installed by the build itself before the tests; what
# could not be installed makes OpenApiIT fail with the reason (see ../npm-ci.sh).
here="$(cd "$(dirname "$0")" && pwd)"
exec bash "$here/../npm-ci.sh" "$here" "${1:-$here/../../../target/openapi-lint-setup}" "the OpenAPI linter" "npm"
