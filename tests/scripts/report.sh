# shellcheck shell=bash
# Sourced by the bash tests of tests/scripts/: a scratch dir ($work), one "ok"/"not ok" line a
# check, and at the end the exit status. A check that cannot run here is a visible skip: the
# marker tests/CMakeLists.txt turns into ctest's "Skipped" (as tests/support/skip.h does for Catch2
# cases), printed only when nothing failed, since ctest would otherwise let the skip hide the
# failure.
failures=0
skips=()
# A scratch dir, and at most one background server the test starts (server_pid=$!), both gone when
# the test exits, however it exits.
work="$(mktemp -d)"
server_pid=""
cleanup() { [ -z "$server_pid" ] || kill "$server_pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
pass() { echo "ok - $1"; }
fail() { echo "not ok - $1"; failures=$((failures + 1)); }
skip() { echo "skip - $1: $2"; skips+=("$1: $2"); }
# For a checker script's tests: NAME DIR MESSAGE passes when "${checker[@]}" DIR fails with MESSAGE
# in its output (the sourcing test sets the checker array).
expect_rejected() {
  local out
  if out=$("${checker[@]}" "$2" 2>&1); then
    echo "$out"; fail "$1 (exit 0)"
  elif ! grep -qF -- "$3" <<<"$out"; then
    echo "$out"; fail "$1 (message lacks: $3)"
  else
    pass "$1"
  fi
}
finish() {
  if [ "$failures" -ne 0 ]; then
    echo "$failures failed"
    exit 1
  fi
  local reason
  for reason in "${skips[@]}"; do echo "HEALTHPROBE-SKIP: $reason"; done
  exit 0
}
