#!/usr/bin/env bash
# The probe's start-up breakdown (bench/STARTUP.md): bash bench/startup.sh [RUNS] [host|container]
# Builds the release probe and the bench helpers, then medians of RUNS (default 300) spawns per row,
# the image's own configurations (docker/Dockerfile's ENV) included. "container" runs every row as a
# container on cgroup v1 sees its cgroups (bench/own-cgroup-view.sh; root): where the OOM check
# finds its counter through the mount table, as on ECS.
# Also prints the syscall count of one HTTP-only probe run when strace is installed.
set -euo pipefail
# shellcheck source=bench/prepare.sh
source "$(dirname "${BASH_SOURCE[0]}")/prepare.sh" floor image_floor responder spawn
view=()
case "${2:-host}" in
  host) ;;
  container) view=(bash "$root/bench/own-cgroup-view.sh") ;;
  *) echo "usage: $0 [RUNS] [host|container]" >&2; exit 64 ;;
esac
"${view[@]}" /usr/bin/python3 bench/startup.py --probe "$probe" --floor "$out/floor" \
  --spawn "$out/spawn" --responder "$out/responder" --runs "${1:-300}" \
  --json "$out/startup.json" --image "$root/docker/Dockerfile" --image-floor "$out/image_floor"
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
