#!/usr/bin/env bash
# scripts/release-version.sh, the release workflow's first step: the tag must be v + CMake's
# project(VERSION). Against the repository's own CMakeLists.txt (and the version CMake itself parsed
# from it, when ctest passes it in) and against fixture files that must be refused.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
script="$repo/scripts/release-version.sh"
# shellcheck source=tests/scripts/report.sh
source "$here/report.sh"

# accepts NAME TAG FILE WANT: exit 0 and prints exactly WANT.
accepts() {
  local out
  if out="$(bash "$script" "$2" "$3" 2>&1)" && [ "$out" = "$4" ]; then pass "$1"; else fail "$1 (printed: $out)"; fi
}
# refuses NAME TAG FILE MESSAGE: exit 1 and says MESSAGE, printing no version on stdout.
refuses() {
  local out rc=0 stdout
  stdout="$(bash "$script" "$2" "$3" 2>"$work/err")" || rc=$?
  out="$(cat "$work/err")"
  if [ "$rc" -eq 1 ] && [ -z "$stdout" ] && grep -qF -- "$4" <<<"$out"; then pass "$1"
  else fail "$1 (exit $rc, stdout '$stdout', stderr: $out)"; fi
}
write() { local name="$1"; shift; printf '%s\n' "$@" >"$work/$name"; echo "$work/$name"; }

# The repository's own file: whatever its version, v+version is accepted and v+other refused.
own="$(bash "$script" v0.0.0 "$repo/CMakeLists.txt" 2>&1 || true)"
version="$(sed -n 's/.*does not match project(VERSION \([0-9.]*\)).*/\1/p' <<<"$own")"
if [ -n "$version" ]; then
  accepts "the repository's CMakeLists.txt: tag v$version is its version" "v$version" "$repo/CMakeLists.txt" "$version"
  refuses "the repository's CMakeLists.txt: another tag is refused, naming both" "v9.9.9" "$repo/CMakeLists.txt" \
    "tag v9.9.9 does not match project(VERSION $version)"
else
  fail "the repository's CMakeLists.txt has a version the script reads (said: $own)"
fi
if [ -n "${HEALTHPROBE_CMAKE_PROJECT_VERSION:-}" ]; then
  [ "$version" = "$HEALTHPROBE_CMAKE_PROJECT_VERSION" ] \
    && pass "the script reads the version CMake itself parsed ($HEALTHPROBE_CMAKE_PROJECT_VERSION)" \
    || fail "the script reads $version, CMake parsed $HEALTHPROBE_CMAKE_PROJECT_VERSION"
else
  skip "the script reads the version CMake itself parsed" "run outside ctest: no CMake-parsed version to compare with"
fi

plain="$(write plain.txt 'cmake_minimum_required(VERSION 3.25)' 'project(healthprobe VERSION 1.20.3 LANGUAGES CXX)')"
accepts "a matching tag prints the version" v1.20.3 "$plain" 1.20.3
refuses "a tag of another version is refused" v1.20.4 "$plain" "tag v1.20.4 does not match project(VERSION 1.20.3)"
refuses "a tag without the v is refused" 1.20.3 "$plain" "tag '1.20.3' is not vX.Y.Z"
refuses "a pre-release tag is refused" v1.20.3-rc1 "$plain" "is not vX.Y.Z"
refuses "a tag with two parts is refused" v1.20 "$plain" "is not vX.Y.Z"
multi="$(write multi.txt 'project(' '  healthprobe  # the probe' '  VERSION 2.0.0' '  LANGUAGES CXX)')"
accepts "project() spread over lines, with a comment, is read" v2.0.0 "$multi" 2.0.0
refuses "no project(healthprobe VERSION ...) is refused" v1.0.0 "$(write none.txt 'project(healthprobe LANGUAGES CXX)')" \
  "expected one 'project(healthprobe VERSION X.Y.Z'"
refuses "two project() lines are refused" v1.0.0 \
  "$(write two.txt 'project(healthprobe VERSION 1.0.0)' 'project(healthprobe VERSION 1.0.1)')" "found 2"
refuses "a commented-out project() does not count" v1.0.0 \
  "$(write commented.txt '# project(healthprobe VERSION 1.0.0)' 'project(healthprobe VERSION 1.1.0)')" \
  "does not match project(VERSION 1.1.0)"
refuses "a version that is not X.Y.Z is refused" v1.0.0 "$(write four.txt 'project(healthprobe VERSION 1.0.0.1)')" \
  "is not X.Y.Z"
refuses "a missing file is refused" v1.0.0 "$work/absent.txt" "no $work/absent.txt"
rc=0
bash "$script" >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 64 ] && pass "no tag is bad usage (64)" || fail "no tag is bad usage (64), got $rc"

finish
