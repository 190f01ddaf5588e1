#!/usr/bin/env bash
# The project's own C++ files (*.cpp, *.h), one path a line relative to the tree, sorted: what
# scripts/lint.sh formats and tidies. Listed from the tree itself, not from git, so a source export
# without .git (a `git archive` tarball, actions/checkout without git) lints exactly the files a
# clone does. The directories .gitignore keeps out of git (build trees, fetched dependencies, npm
# packages, outputs) are skipped. Finding no file is an error (exit 1): a wrong root or an empty
# export must never read as "clean".
#
#   bash scripts/source-files.sh                  # the whole tree
#   bash scripts/source-files.sh src              # only under src/ (clang-tidy's units)
#   bash scripts/source-files.sh --root DIR ...   # another tree (the tests' exports)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ "${1:-}" = --root ]; then
  [ "$#" -ge 2 ] || { echo "usage: $0 [--root DIR] [SUBDIR...]" >&2; exit 64; }
  root="$2"
  shift 2
fi
[ -d "$root" ] || { echo "source-files: no directory $root" >&2; exit 1; }
cd "$root"
[ "$#" -gt 0 ] || set -- .

for dir in "$@"; do
  [ -d "$dir" ] || { echo "source-files: no directory $dir under $root" >&2; exit 1; }
done

# Same exclusions as .gitignore (plus .git itself); a new ignored directory belongs in both.
list="$(find "$@" \
  \( -name .git -o -name node_modules -o -name __pycache__ \
  -o -path ./build -o -path ./.deps -o -path ./bench/out -o -path ./tests/cdk/out \) -prune \
  -o -type f \( -name '*.cpp' -o -name '*.h' \) -print | sed 's|^\./||' | LC_ALL=C sort)"
if [ -z "$list" ]; then
  echo "source-files: no C++ source under $root${*:+ ($*)}: refusing an empty list" >&2
  exit 1
fi
printf '%s\n' "$list"
