#!/usr/bin/env bash
# A worker container's health check, costed (bench/WORKER.md): bash bench/worker.sh [RUNS]
# Builds the release probe and the bench helpers, then medians of RUNS (default 300) spawns per row.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/bench/out"
cd "$root"
if [ -z "${HEALTHPROBE_BIN:-}" ]; then
  cmake --preset release >/dev/null
  cmake --build --preset release >/dev/null
fi
probe="${HEALTHPROBE_BIN:-$root/build/release/healthprobe}"
mkdir -p "$out"
for helper in floor spawn; do
  cc -O2 -static -s -o "$out/$helper" "bench/$helper.c"
done
/usr/bin/python3 bench/worker.py --probe "$probe" --floor "$out/floor" --spawn "$out/spawn" \
  --webhook-dir "$root/docker/standin" --runs "${1:-300}" --json "$out/worker.json"
