#!/usr/bin/env bash
# The layer rule (scripts/check-layers.sh), the Markdown's relative links (scripts/check-links.py),
# the generated docs/BENCHMARKS.md against its numbers, then clang-format (the committed
# .clang-format) and clang-tidy (.clang-tidy) over the project's own C++; any finding fails. Needs
# a configured dev build for compile_commands.json (configures one).
# Works the same in a clone and in a source export without .git: scripts/source-files.sh lists the
# files from the tree, and an empty list fails (never "clean (0 files)").
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Listed into variables, not through process substitution, so a failing listing stops the lint.
source_list="$(bash scripts/source-files.sh)"
mapfile -t sources <<<"$source_list"
unit_list="$(bash scripts/source-files.sh src | grep '\.cpp$')" \
  || { echo "lint: no translation unit under src/" >&2; exit 1; }
mapfile -t units <<<"$unit_list"

bash scripts/check-layers.sh
python3 scripts/check-links.py
# docs/BENCHMARKS.md is generated: it must be what bench/report.py renders from the committed numbers.
python3 bench/report.py --results bench/results.json --floods bench/floods.json --bodies bench/bodies.json \
  --out docs/BENCHMARKS.md --chart docs/bench.png --check

clang-format --dry-run --Werror "${sources[@]}"
echo "lint: clang-format clean (${#sources[@]} files)"

[ -f build/dev/compile_commands.json ] || cmake --preset dev >/dev/null
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
