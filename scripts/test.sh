#!/usr/bin/env bash
# The whole test suite, from a fresh clone on a Debian bookworm machine:
#   1. dependencies (scripts/setup-deps.sh)          4. release: static probe, suite re-run against it, size budget
#   2. format and lint (scripts/lint.sh)             5. arm64: cross-built static probe, suite re-run under qemu, size budget
#   3. dev build: unit, integration, Dockerfile policy  6. ASan + UBSan build, suite re-run under the sanitizers
#                                                    7. fuzzing: every harness ~20 s (scripts/fuzz.sh)
#                                                    8. container proof (tests/container), unless skipped
# Set HEALTHPROBE_CONTAINER_TESTS=skip to leave out step 8 (it needs a container engine, root and ~10 minutes).
# Run it as yourself, not with sudo: it calls sudo for apt-get only.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/refuse-foreign-checkout.sh test.sh

step() { printf '\n== %s\n' "$*"; }

# ctest with a preset, then every case that skipped, with its reason (tests/support/skip.h prints
# the marker; ctest counts such a case as Skipped). Kept for the summary at the end.
skipped_log="$(mktemp)"
trap 'rm -f "$skipped_log"' EXIT
run_ctest() {
  local preset="$1" rc=0 log
  ctest --preset "$preset" || rc=$?
  log="build/$preset/Testing/Temporary/LastTest.log"
  if [ -f "$log" ] && grep -q '^HEALTHPROBE-SKIP: ' "$log"; then
    echo "skipped in $preset, with the reason:"
    grep '^HEALTHPROBE-SKIP: ' "$log" | sort -u | sed "s/^HEALTHPROBE-SKIP: /  [$preset] /" | tee -a "$skipped_log"
  fi
  return "$rc"
}

step "dependencies"
bash scripts/setup-deps.sh --arch arm64

step "format and lint"
bash scripts/lint.sh

step "dev build and tests"
cmake --preset dev >/dev/null
cmake --build --preset dev
run_ctest dev

step "release build (static) and tests against the release binary"
cmake --preset release >/dev/null
cmake --build --preset release-tests
run_ctest release

step "arm64: cross-built static probe, the release runner's integration suite against it under qemu"
cmake --preset release-arm64 >/dev/null
cmake --build --preset release-arm64
run_ctest release-arm64

step "sanitizer build (ASan + UBSan) and tests"
cmake --preset asan >/dev/null
cmake --build --preset asan
run_ctest asan

step "fuzzing (libFuzzer, ASan + UBSan): every harness for ${HEALTHPROBE_FUZZ_SECONDS:-20} s"
bash scripts/fuzz.sh

if [ "${HEALTHPROBE_CONTAINER_TESTS:-}" = "skip" ]; then
  step "container proof: SKIPPED (HEALTHPROBE_CONTAINER_TESTS=skip)"
else
  step "container proof"
  run_ctest container
fi

step "skipped cases: $(wc -l <"$skipped_log")"
cat "$skipped_log"
