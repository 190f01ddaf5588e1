# shellcheck shell=bash
# Sourced by bench/startup.sh and bench/worker.sh: builds the release probe (unless HEALTHPROBE_BIN
# names one) and the static bench helpers named as arguments, in bench/out/. Sets root, out, probe.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/bench/out"
cd "$root"
if [ -z "${HEALTHPROBE_BIN:-}" ]; then
  cmake --preset release >/dev/null
  cmake --build --preset release >/dev/null
fi
probe="${HEALTHPROBE_BIN:-$root/build/release/healthprobe}"
mkdir -p "$out"
for helper in "$@"; do
  cc -O2 -static -s -o "$out/$helper" "bench/$helper.c"
done
