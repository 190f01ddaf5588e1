#!/usr/bin/env bash
# The CDK migration suite (CTest `docker_cdk`): installs the locked aws-cdk-lib, constructs and
# typescript when node_modules is missing or older than the lock, then migration.test.js applies
# docker/MIGRATING.md's diffs to the model of the service's construct, compiles every variant with
# tsc (strict), synthesizes them offline and compares the CloudFormation.
# Works on Debian's node 18 (the versions are pinned below aws-cdk-lib's node 20 requirement).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

command -v node >/dev/null || { echo "docker_cdk: node (>= 18) is required" >&2; exit 1; }
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --prefer-offline --no-audit --no-fund --loglevel=error >&2
fi
# A fresh node per run: no CDK state (context, telemetry) is read from or written to $HOME.
CDK_DISABLE_VERSION_CHECK=1 exec node --test migration.test.js
