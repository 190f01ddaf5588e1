#!/usr/bin/env bash
# A worker container's health check, costed (bench/WORKER.md): bash bench/worker.sh [RUNS]
# Builds the release probe and the bench helpers, then medians of RUNS (default 300) spawns per row.
set -euo pipefail
# shellcheck source=bench/prepare.sh
source "$(dirname "${BASH_SOURCE[0]}")/prepare.sh" floor spawn
/usr/bin/python3 bench/worker.py --probe "$probe" --floor "$out/floor" --spawn "$out/spawn" \
  --webhook-dir "$root/docker/standin" --runs "${1:-300}" --json "$out/worker.json"
