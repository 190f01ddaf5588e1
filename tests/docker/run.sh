#!/usr/bin/env bash
# The docker policy suite: Dockerfile rules + dockerfile-utils lint, ECS health check, docker-compose.yml, renovate.json,
# docker/update-base-digest.sh, the pin checks and Renovate's managers (every *.test.js here). Installs the locked npm packages when they are missing or stale,
# then runs node's own test runner (its summary closes the output). Exit status is the runner's.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

command -v node >/dev/null || { echo "docker_policy: node (>= 18) is required" >&2; exit 1; }
# npm ci only when node_modules is missing or older than the lock (npm keeps a copy of the lock
# it installed from in node_modules/.package-lock.json); --prefer-offline reuses npm's cache.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --prefer-offline --no-audit --no-fund --loglevel=error >&2
fi
exec node --test ./*.test.js
