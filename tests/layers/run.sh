#!/usr/bin/env bash
# scripts/check-layers.sh passes on the tree, and fails on each kind of include it exists to stop:
# one that runs up a layer, one that runs sideways (two folders of one layer), a folder it does not
# know, and an empty tree. Fixture trees are made in a temporary dir, so the test can fail.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
check="$here/../../scripts/check-layers.sh"
# shellcheck source=tests/scripts/report.sh
source "$here/../scripts/report.sh"

bash "$check" >"$work/tree.out" 2>&1 && pass "the tree's includes all run down" \
  || { cat "$work/tree.out"; fail "the tree's includes all run down"; }

# A fixture tree: FILE (relative path) with INCLUDE (healthprobe/...), plus one good file each.
fixture() {
  local dir="$work/$1" file="$2" include="$3"
  mkdir -p "$dir/src/core" "$dir/include/healthprobe/core" "$dir/$(dirname "$file")"
  printf '#pragma once\n' >"$dir/include/healthprobe/core/deadline.h"
  printf '#include "healthprobe/core/deadline.h"\n' >"$dir/src/core/deadline.cpp"
  printf '#include "%s"\n' "$include" >"$dir/$file"
  echo "$dir"
}
checker=(bash "$check")

expect_rejected "an include that runs up a layer fails" \
  "$(fixture up src/core/text.cpp healthprobe/runtime/run.h)" \
  "src/core/text.cpp (core, layer 1) includes healthprobe/runtime/run.h (runtime, layer 5)"
expect_rejected "an include between two folders of one layer fails" \
  "$(fixture sideways include/healthprobe/http/http_check.h healthprobe/state/transition.h)" \
  "(http, layer 4) includes healthprobe/state/transition.h (state, layer 4)"
expect_rejected "a folder of no known layer fails" \
  "$(fixture unknown src/misc/thing.cpp healthprobe/core/deadline.h)" \
  "src/misc/thing.cpp is in no known layer"
mkdir -p "$work/empty/src" "$work/empty/include/healthprobe"
expect_rejected "a tree without sources fails" "$work/empty" "no source file found"

good="$(fixture good src/runtime/run.cpp healthprobe/core/deadline.h)"
bash "$check" "$good" >/dev/null && pass "an include that runs down passes" || fail "an include that runs down passes"

finish
