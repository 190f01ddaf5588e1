#!/usr/bin/env bash
# The probe's start-up breakdown (bench/STARTUP.md): bash bench/startup.sh [RUNS]
# Builds the release probe and the bench helpers, then medians of RUNS (default 300) spawns per row,
# the image's own configurations (docker/Dockerfile's ENV) included.
# Also prints the syscall count of one HTTP-only probe run when strace is installed.
set -euo pipefail
# shellcheck source=bench/prepare.sh
source "$(dirname "${BASH_SOURCE[0]}")/prepare.sh" floor responder spawn
/usr/bin/python3 bench/startup.py --probe "$probe" --floor "$out/floor" --spawn "$out/spawn" \
  --responder "$out/responder" --runs "${1:-300}" --json "$out/startup.json" \
  --image "$root/docker/Dockerfile"
if command -v strace >/dev/null; then
  "$out/responder" 0 >"$out/port" &
  server=$!
  trap 'kill "$server" 2>/dev/null || true' EXIT
  sleep 0.2
  port="$(awk '{print $NF}' "$out/port")"
  echo "system calls of one HTTP-only run (strace -f -c):"
  strace -f -c -o "$out/strace.txt" "$probe" --url "http://127.0.0.1:$port/health" --venv none \
    --writable none >/dev/null || true
  cat "$out/strace.txt"
fi
