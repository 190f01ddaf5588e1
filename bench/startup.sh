#!/usr/bin/env bash
# The probe's start-up breakdown (bench/STARTUP.md): bash bench/startup.sh [RUNS]
# Builds the release probe and the bench helpers, then medians of RUNS (default 300) spawns per row,
# the image's own configurations (docker/Dockerfile's ENV) included.
# Also prints the syscall count of one HTTP-only probe run when strace is installed.
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
for helper in floor responder spawn; do
  cc -O2 -static -s -o "$out/$helper" "bench/$helper.c"
done
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
