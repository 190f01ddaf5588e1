#!/usr/bin/env bash
# Re-pin an image ARG of the Dockerfiles (default: BASE_IMAGE, the Amazon Linux 2023 base) to the
# digest its tag points at now, or move it to a new tag. Rewrites `ARG NAME=repo:tag@sha256:...`
# in place and nothing else; refuses anything that is not a sha256 digest of 64 hex digits.
#
#   docker/update-base-digest.sh                         # same tag, current digest
#   docker/update-base-digest.sh --tag 2023.11.20260501.0  # a newer dated release
#   docker/update-base-digest.sh --arg UV_IMAGE --tag 0.9.20
#   docker/update-base-digest.sh --check                 # exit 1 if the pin is stale, change nothing
#
# The digest comes from `docker buildx imagetools inspect`, else `skopeo inspect --raw` (the digest
# of a manifest is the sha256 of its bytes). DIGEST_RESOLVER=CMD replaces both: CMD IMAGE:TAG must
# print the digest (the tests use a stub; nothing else should need it).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
arg_name=BASE_IMAGE
new_tag=""
check=0
files=()

usage() { sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 64; }
die() { echo "update-base-digest: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
  case "$1" in
    --arg) arg_name="${2:?--arg needs a name}"; shift 2 ;;
    --tag) new_tag="${2:?--tag needs a tag}"; shift 2 ;;
    --file) files+=("${2:?--file needs a path}"); shift 2 ;;
    --check) check=1; shift ;;
    -h|--help) usage ;;
    *) echo "update-base-digest: unknown argument $1" >&2; usage ;;
  esac
done
[[ "$arg_name" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || die "bad ARG name '$arg_name'"
[ -z "$new_tag" ] || [[ "$new_tag" =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]] || die "bad tag '$new_tag'"
# The shipped Dockerfile and the single-stage baseline share the base, so both move together.
if [ "${#files[@]}" -eq 0 ]; then
  files=("$here/Dockerfile")
  [ -f "$here/Dockerfile.single-stage" ] && files+=("$here/Dockerfile.single-stage")
fi

# The one pinned reference, from the first file: repo:tag@sha256:<64 hex>.
line="$(grep -m1 -E "^ARG ${arg_name}=" "${files[0]}" || true)"
[ -n "$line" ] || die "no 'ARG ${arg_name}=' line in ${files[0]}"
current="${line#"ARG ${arg_name}="}"
[[ "$current" =~ ^([^@:]+(:[0-9]+)?[^@:]*):([^@:/]+)@(sha256:[0-9a-f]{64})$ ]] \
  || die "ARG ${arg_name} is not repo:tag@sha256:<digest>: $current"
repo="${BASH_REMATCH[1]}"
tag="${new_tag:-${BASH_REMATCH[3]}}"
old_digest="${BASH_REMATCH[4]}"

resolve() {
  local ref="$1" out
  if [ -n "${DIGEST_RESOLVER:-}" ]; then
    $DIGEST_RESOLVER "$ref"
  elif command -v docker >/dev/null 2>&1 && docker buildx version >/dev/null 2>&1; then
    out="$(docker buildx imagetools inspect "$ref" --format '{{json .Manifest}}')"
    grep -o '"digest": *"sha256:[0-9a-f]*"' <<<"$out" | head -n1 | grep -o 'sha256:[0-9a-f]*'
  elif command -v skopeo >/dev/null 2>&1; then
    out="$(mktemp)"
    skopeo inspect --raw "docker://$ref" >"$out"
    echo "sha256:$(sha256sum "$out" | cut -d' ' -f1)"
    rm -f "$out"
  else
    die "need docker buildx or skopeo to resolve $ref"
  fi
}

digest="$(resolve "$repo:$tag")" || die "could not resolve $repo:$tag"
digest="$(printf '%s' "$digest" | tr -d '[:space:]')"
[[ "$digest" =~ ^sha256:[0-9a-f]{64}$ ]] || die "refusing malformed digest for $repo:$tag: '$digest'"

new="$repo:$tag@$digest"
if [ "$new" = "$current" ]; then
  echo "update-base-digest: ${arg_name} is current ($current)"
  exit 0
fi
if [ "$check" -eq 1 ]; then
  echo "update-base-digest: ${arg_name} is stale: $current -> $new" >&2
  exit 1
fi
# Every file must have the line before any is written: never a half-updated pair.
for f in "${files[@]}"; do
  grep -q -E "^ARG ${arg_name}=" "$f" || die "no 'ARG ${arg_name}=' line in $f"
done
for f in "${files[@]}"; do
  tmp="$(mktemp "$f.XXXXXX")"
  # Replace only that ARG line, literally (awk compares strings, no regex from the digest).
  awk -v name="ARG ${arg_name}=" -v value="$new" \
    'index($0, name) == 1 { print name value; next } { print }' "$f" >"$tmp"
  chmod --reference="$f" "$tmp"
  mv "$tmp" "$f"
  echo "update-base-digest: $f: ${arg_name} $old_digest -> $tag@$digest"
done
