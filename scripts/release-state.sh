#!/usr/bin/env bash
# Where the GitHub release of TAG stands, so the release workflow can be re-run safely: prints
# "published" (done: a re-run must change nothing), "draft" (an earlier run stopped half-way: carry
# on with that draft) or "none" (start). Any other answer from the API is an error (exit 1), never
# taken for "none": a re-run must not publish twice because the API hiccuped.
#
#   GH_TOKEN=... GITHUB_REPOSITORY=owner/repo bash scripts/release-state.sh v0.1.0
#
# GITHUB_API_URL (set on GitHub's runners) defaults to https://api.github.com; the test points it at
# a stand-in API on loopback. Drafts are listed only to a token with write access to the repository.
set -euo pipefail

[ "$#" -eq 1 ] || { echo "usage: $0 TAG" >&2; exit 64; }
tag="$1"
: "${GITHUB_REPOSITORY:?GITHUB_REPOSITORY=owner/repo is required}"
: "${GH_TOKEN:?GH_TOKEN is required}"
api="${GITHUB_API_URL:-https://api.github.com}/repos/$GITHUB_REPOSITORY"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# get PATH: the body into $work/body, the HTTP status on stdout ("000" when nothing answered).
get() {
  curl --silent --show-error --location --max-time 60 --retry 3 \
    --header "Authorization: Bearer $GH_TOKEN" --header 'Accept: application/vnd.github+json' \
    --header 'X-GitHub-Api-Version: 2022-11-28' \
    --output "$work/body" --write-out '%{http_code}' "$api/$1" || true
}

# A published release is found by its tag; a draft is not (it has no tag yet), only in the list.
status="$(get "releases/tags/$tag")"
case "$status" in
  200) echo published; exit 0 ;;
  404) ;;
  *) echo "release-state: GET releases/tags/$tag answered $status: $(head -c 300 "$work/body" 2>/dev/null)" >&2; exit 1 ;;
esac
status="$(get "releases?per_page=100")"
[ "$status" = 200 ] || { echo "release-state: GET releases answered $status: $(head -c 300 "$work/body" 2>/dev/null)" >&2; exit 1; }
state="$(python3 - "$work/body" "$tag" <<'PY'
import json, sys
releases = json.load(open(sys.argv[1]))
mine = [r for r in releases if r.get('tag_name') == sys.argv[2]]
print('none' if not mine else 'published' if any(not r.get('draft') for r in mine) else 'draft')
PY
)"
echo "$state"
