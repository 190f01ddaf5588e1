# shellcheck shell=bash
# Sourced by the bash tests of tests/scripts/: one "ok"/"not ok" line a check, and at the end the
# exit status. A check that cannot run here is a visible skip: the marker tests/CMakeLists.txt turns
# into ctest's "Skipped" (as tests/support/skip.h does for Catch2 cases), printed only when nothing
# failed, since ctest would otherwise let the skip hide the failure.
failures=0
skips=()
pass() { echo "ok - $1"; }
fail() { echo "not ok - $1"; failures=$((failures + 1)); }
skip() { echo "skip - $1: $2"; skips+=("$1: $2"); }
finish() {
  if [ "$failures" -ne 0 ]; then
    echo "$failures failed"
    exit 1
  fi
  local reason
  for reason in "${skips[@]}"; do echo "HEALTHPROBE-SKIP: $reason"; done
  exit 0
}
