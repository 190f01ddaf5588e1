#!/usr/bin/env bash
# clang-format (the committed .clang-format) and clang-tidy (.clang-tidy) over the project's own
# C++; any finding fails. Needs a configured dev build for compile_commands.json.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/check-layers.sh

mapfile -t sources < <(git ls-files -- '*.cpp' '*.h')
clang-format --dry-run --Werror "${sources[@]}"
echo "lint: clang-format clean (${#sources[@]} files)"

[ -f build/dev/compile_commands.json ] || cmake --preset dev >/dev/null
mapfile -t units < <(git ls-files -- 'src/*.cpp')
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
printf '%s\n' "${units[@]}" | xargs -P "$(nproc)" -n 4 clang-tidy -p build/dev --quiet --warnings-as-errors='*' \
  >"$log" 2>&1 || status=$?
# clang-tidy's own chatter about suppressed system-header warnings is noise; findings are not.
grep -v -E '^[0-9]+ warnings? (and [0-9]+ errors? )?generated\.$|^Suppressed [0-9]+ warnings|^Use -header-filter' "$log" || true
if [ "$status" -ne 0 ]; then
  echo "lint: clang-tidy found problems (above)" >&2
  exit 1
fi
echo "lint: clang-tidy clean (${#units[@]} files)"
