#!/usr/bin/env bash
# scripts/check-links.py passes on the tree, and fails on each kind of link it exists to stop: a
# missing file, a missing #anchor (in another file and in the same one), a link out of the
# repository, and a tree without Markdown. Links in code are text and must not count. Fixture trees
# are made in a temporary dir, so the test can fail.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
check="$here/../../scripts/check-links.py"
# shellcheck source=tests/scripts/report.sh
source "$here/../scripts/report.sh"

python3 "$check" >"$work/tree.out" 2>&1 && pass "every relative link of the tree resolves" \
  || { cat "$work/tree.out"; fail "every relative link of the tree resolves"; }

# A fixture tree: docs/GUIDE.md with the given text, next to a README whose headings are anchors.
fixture() {
  local dir="$work/$1"
  mkdir -p "$dir/docs"
  printf '# Title\n\n## Health changes in the log (`--log-to`)\n\n## Verifying a release\n' >"$dir/README.md"
  printf '%s\n' "$2" >"$dir/docs/GUIDE.md"
  echo "$dir"
}
checker=(python3 "$check")

expect_rejected "a link to a missing file fails" \
  "$(fixture missing 'See [the guide](../MISSING.md).')" "docs/GUIDE.md:1: ../MISSING.md (no such file)"
expect_rejected "a link to a missing anchor fails" \
  "$(fixture anchor 'See [releases](../README.md#releases-and-verifying-a-binary).')" \
  "../README.md#releases-and-verifying-a-binary (no heading with the anchor"
expect_rejected "a link to a missing anchor of the same file fails" \
  "$(fixture self $'# Guide\n\n[below](#nothing-here)')" "#nothing-here (no heading with the anchor"
touch "$work/beside.md" # exists, but next to the fixture tree, not in it
expect_rejected "a link out of the repository fails" \
  "$(fixture outside '[up](../../beside.md)')" "../../beside.md (outside the repository)"
mkdir -p "$work/empty/docs"
expect_rejected "a tree without Markdown fails" "$work/empty" "no Markdown file"

good="$(fixture good $'# Guide\n\n[log](../README.md#health-changes-in-the-log---log-to), [verify](../README.md#verifying-a-release), [self](#guide), [web](https://example.com/x.md)\n\n`[code](nowhere.md)`\n\n```\n[fenced](nowhere.md)\n```')"
out=$(python3 "$check" "$good" 2>&1) && pass "good links, anchors with code, URLs and links in code pass" \
  || { echo "$out"; fail "good links, anchors with code, URLs and links in code pass"; }

finish
