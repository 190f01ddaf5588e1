#!/usr/bin/env bash
# bench/report.py --check, the lint step that keeps docs/BENCHMARKS.md generated: it passes on the
# committed document and numbers, and on a fresh rendering; it fails on a hand edit of the document
# and on numbers changed without their document. Renders from copies in a scratch dir, so the tree
# is never written and the check can fail.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
# shellcheck source=tests/scripts/report.sh
source "$here/report.sh"

report() { # the rendering of the copies in $work, then any extra arguments
  python3 "$repo/bench/report.py" --results "$work/results.json" --floods "$work/floods.json" \
    --bodies "$work/bodies.json" --out "$work/docs/BENCHMARKS.md" --chart "$work/docs/bench.png" "$@"
}

name="the committed docs/BENCHMARKS.md is what its committed numbers render to"
if (cd "$repo" && python3 bench/report.py --results bench/results.json --floods bench/floods.json \
  --bodies bench/bodies.json --out docs/BENCHMARKS.md --chart docs/bench.png --check) >"$work/tree.out" 2>&1; then
  pass "$name"
else
  cat "$work/tree.out"
  fail "$name"
fi

cp "$repo/bench/results.json" "$repo/bench/floods.json" "$repo/bench/bodies.json" "$work/"
mkdir "$work/docs"
: >"$work/docs/bench.png" # --keep-chart links the chart there instead of drawing one with gnuplot
if report --keep-chart >"$work/render.out" 2>&1 && report --check >>"$work/render.out" 2>&1; then
  pass "a fresh rendering passes the check"
else
  cat "$work/render.out"
  fail "a fresh rendering passes the check"
fi

cp "$work/docs/BENCHMARKS.md" "$work/rendered.md"
sed -i 's/| healthprobe (HTTP only) | [0-9.]* ms/| healthprobe (HTTP only) | 0.01 ms/' "$work/docs/BENCHMARKS.md"
name="a hand edit of the document fails the check"
if cmp -s "$work/docs/BENCHMARKS.md" "$work/rendered.md"; then
  fail "$name (the edit changed nothing: the table's shape moved)"
elif out="$(report --check 2>&1)"; then
  echo "$out"
  fail "$name"
elif grep -q "is not what bench/report.py renders" <<<"$out"; then
  pass "$name"
else
  echo "$out"
  fail "$name (its message does not say what to do)"
fi

cp "$work/rendered.md" "$work/docs/BENCHMARKS.md"
python3 - "$work/floods.json" <<'EOF'
import json, sys
path = sys.argv[1]
data = json.load(open(path))
data["worst_rss_kib"] += 1
json.dump(data, open(path, "w"))
EOF
name="numbers changed without their document fail the check"
if out="$(report --check 2>&1)"; then
  echo "$out"
  fail "$name"
else
  pass "$name"
fi

finish
