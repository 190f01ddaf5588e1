#!/usr/bin/env bash
# scripts/source-files.sh, the list scripts/lint.sh checks: on a `git archive` export of HEAD (no
# .git, as a release tarball or actions/checkout without git gives) it is exactly git's list of the
# project's C++ files, it skips what .gitignore keeps out of git, and lint.sh refuses a tree in
# which it finds nothing instead of calling it clean.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
# shellcheck source=tests/scripts/report.sh
source "$here/report.sh"

# The tree itself: the sources are there, the dependency header and build outputs are not.
if list="$(bash "$repo/scripts/source-files.sh")" && grep -qx 'src/main.cpp' <<<"$list" \
  && grep -qx 'include/healthprobe/core/check.h' <<<"$list" \
  && ! grep -Eq '^(build|\.deps)/|node_modules/' <<<"$list"; then
  pass "the tree's list has src/main.cpp and core/check.h, nothing from build/ or .deps/"
else
  fail "the tree's list has src/main.cpp and core/check.h, nothing from build/ or .deps/"
fi

name="a git archive export of HEAD lists exactly git's C++ files, ignored directories skipped"
if command -v git >/dev/null && git -C "$repo" rev-parse --verify -q HEAD >/dev/null 2>&1; then
  mkdir "$work/export"
  git -C "$repo" archive HEAD | tar -x -C "$work/export"
  # What .gitignore keeps out of git, where a developer's tree has it: never linted.
  for ignored in build/dev/gen.cpp .deps/cpp-httplib/httplib.h tests/docker/node_modules/x/y.h \
    bench/out/z.cpp tests/cdk/out/w.h src/core/__pycache__/v.h; do
    mkdir -p "$work/export/$(dirname "$ignored")" && : >"$work/export/$ignored"
  done
  want="$(git -C "$repo" ls-tree -r --name-only HEAD | grep -E '\.(cpp|h)$' | LC_ALL=C sort)"
  got="$(bash "$repo/scripts/source-files.sh" --root "$work/export")"
  if [ ! -e "$work/export/.git" ] && [ -n "$want" ] && [ "$got" = "$want" ]; then
    pass "$name ($(wc -l <<<"$got") files)"
  else
    diff <(echo "$want") <(echo "$got") || true
    fail "$name"
  fi
  units="$(bash "$repo/scripts/source-files.sh" --root "$work/export" src | grep '\.cpp$')"
  [ "$units" = "$(grep -E '^src/.*\.cpp$' <<<"$want")" ] && pass "src/ lists every translation unit" \
    || fail "src/ lists every translation unit"
else
  skip "$name" "this tree is not a git checkout, so there is no git list to compare with"
fi

# An empty tree: the list fails, and so does lint.sh, before any tool could call nothing clean.
mkdir -p "$work/empty/scripts" "$work/empty/src" "$work/empty/include/healthprobe"
cp "$repo"/scripts/{lint.sh,source-files.sh,check-layers.sh} "$work/empty/scripts/"
if out="$(bash "$repo/scripts/source-files.sh" --root "$work/empty" 2>&1)"; then
  fail "source-files.sh exits non-zero on a tree without C++ files (printed: $out)"
else
  grep -q 'no C++ source' <<<"$out" && pass "source-files.sh exits non-zero on a tree without C++ files" \
    || fail "source-files.sh says why it failed (printed: $out)"
fi
rc=0
out="$(bash "$work/empty/scripts/lint.sh" 2>&1)" || rc=$?
if [ "$rc" -ne 0 ] && grep -q 'no C++ source' <<<"$out" && ! grep -q 'clean' <<<"$out"; then
  pass "lint.sh exits non-zero ($rc) on a tree without C++ files, and calls nothing clean"
else
  echo "$out"
  fail "lint.sh exits non-zero on a tree without C++ files (exit $rc)"
fi

finish
