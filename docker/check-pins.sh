#!/usr/bin/env bash
# Checks every image reference pinned by digest (repo[:tag]@sha256:...) in the Dockerfiles and the
# workflows against the registry: the digest must be a multi-platform index with linux/amd64 and
# linux/arm64 whose raw bytes hash to exactly that digest (docker/index-digest.sh). Then, for a
# reference with a tag, says whether the tag still points at the pinned index; a tag that has
# moved on is reported, not failed: the pin still builds the same bytes, and Renovate or
# docker/update-base-digest.sh moves it.
#
#   docker/check-pins.sh                  # docker/**/Dockerfile*, ./Dockerfile, .github/workflows/*.yml
#   docker/check-pins.sh FILE...          # those files
#
# Exit 1 if any pin is wrong (not an index, an arch missing, bytes that are not the digest, or
# unresolvable), 0 otherwise. DIGEST_RESOLVER works as in docker/index-digest.sh (the tests' registry).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
if [ "$#" -eq 0 ]; then
  # Every Dockerfile under docker/ (the stand-in service has its own), the root one, the workflows.
  found="$(find "$root/docker" -name node_modules -prune -o -name .venv -prune -o -type f -name 'Dockerfile*' -print | LC_ALL=C sort)"
  while read -r f; do [ -n "$f" ] && set -- "$@" "$f"; done <<<"$found"
  for f in "$root/Dockerfile" "$root"/.github/workflows/*.yml; do
    [ -f "$f" ] && set -- "$@" "$f"
  done
fi
[ "$#" -gt 0 ] || { echo "check-pins: no file to check" >&2; exit 1; }

# Pinned references on instruction lines and on a Dockerfile's `# syntax=` line (comments that
# merely mention a reference are prose, not pins).
ref_re='[A-Za-z0-9][A-Za-z0-9._/:-]*@sha256:[0-9a-f]{64}'
refs="$(for f in "$@"; do
  grep -E -v '^[[:space:]]*#' "$f" | grep -oE "$ref_re" || true
  grep -E '^# syntax=' "$f" | grep -oE "$ref_re" || true
done | LC_ALL=C sort -u)"
[ -n "$refs" ] || { echo "check-pins: no pinned reference in $*" >&2; exit 1; }

annotate() { # LEVEL MESSAGE: a line, and a GitHub annotation when running there
  echo "check-pins: $2" >&2
  [ "${GITHUB_ACTIONS:-}" != true ] || echo "::$1::$2"
}

err="$(mktemp)"
trap 'rm -f "$err"' EXIT
wrong=0
while read -r ref; do
  name="${ref%@*}"
  digest="${ref##*@}"
  repo="$name"
  tag=""
  # A tag is what follows the last ':' after the last '/' (a registry's :port comes before a '/').
  if [[ "${name##*/}" == *:* ]]; then
    tag="${name##*:}"
    repo="${name%:*}"
  fi
  if ! got="$(bash "$here/index-digest.sh" "$repo@$digest" 2>"$err")"; then
    annotate error "$ref: $(paste -sd" " "$err")"
    wrong=1
  elif [ "$got" != "$digest" ]; then
    annotate error "$ref: the registry's bytes for that digest hash to $got"
    wrong=1
  else
    echo "check-pins: ok $ref: a multi-platform index with linux/amd64 and linux/arm64"
    if [ -n "$tag" ]; then
      if now="$(bash "$here/index-digest.sh" "$repo:$tag" 2>"$err")"; then
        [ "$now" = "$digest" ] || annotate warning "$repo:$tag now points at $now, not the pinned $digest (stale: Renovate or docker/update-base-digest.sh moves it)"
      else
        annotate warning "$repo:$tag: $(paste -sd" " "$err")"
      fi
    fi
  fi
done <<<"$refs"
exit "$wrong"
