#!/usr/bin/env bash
# Re-pin an image ARG of the Dockerfiles (default: BASE_IMAGE, the Amazon Linux 2023 base) to the
# multi-platform INDEX digest its tag points at now, or move it to a new tag. Rewrites
# `ARG NAME=repo:tag@sha256:...` (and `ARG NAME_DIGEST=sha256:...`, if present) in place and nothing else.
#
#   docker/update-base-digest.sh                         # same tag, current digest, in every
#                                                        # Dockerfile that pins it (docker/**, ./)
#   docker/update-base-digest.sh --tag 2023.11.20260501.0  # a newer dated release
#   docker/update-base-digest.sh --arg UV_IMAGE --tag 0.9.20
#   docker/update-base-digest.sh --arg PROBE_BUILDER_IMAGE --file Dockerfile
#   docker/update-base-digest.sh --check                 # exit 1 if the pin is stale, change nothing
#
# Only an index (OCI image index or Docker manifest list) naming linux/amd64 and linux/arm64 is
# accepted: a per-platform manifest digest would make every --platform build that one arch. A pin
# that is one platform's manifest of the tag's index is replaced by the index digest (--check:
# reported as stale). docker/index-digest.sh fetches the tag's raw manifest and applies that rule
# (DIGEST_RESOLVER=CMD stands in for the registry there: the tests use a stub).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
arg_name=BASE_IMAGE
new_tag=""
check=0
files=()

usage() { sed -n '2,/^set -euo/{/^#/p}' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 64; }
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
# Without --file: every Dockerfile of the repository that pins this ARG (under docker/, at any
# depth, and the root one), so one image carries one pin everywhere (the drop-in, the stand-in and
# the baseline share the base; the root Dockerfile's builder is release.yml's container too, which
# Renovate moves with it). With --file, each named file must have the line.
if [ "${#files[@]}" -eq 0 ]; then
  candidates="$(find "$here" -name node_modules -prune -o -name .venv -prune -o -type f -name 'Dockerfile*' -print | LC_ALL=C sort)"
  [ ! -f "$here/../Dockerfile" ] || candidates+=$'\n'"$(cd "$here/.." && pwd)/Dockerfile"
  while read -r f; do
    [ -n "$f" ] && grep -q -E "^ARG ${arg_name}=" "$f" && files+=("$f")
  done <<<"$candidates"
  [ "${#files[@]}" -gt 0 ] || die "no Dockerfile pins 'ARG ${arg_name}='"
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

# The raw manifest the tag points at, byte for byte, saved to a file (never a shell variable, which
# would drop a trailing newline); docker/index-digest.sh accepts only a multi-platform index with
# amd64 and arm64, and gives the sha256 of exactly those bytes.
manifest="$(mktemp)"
trap 'rm -f "$manifest"' EXIT
digest="$(bash "$here/index-digest.sh" "$repo:$tag" --save "$manifest")" || exit 1
flat="$(tr -d '[:space:]' <"$manifest")"
# The pin is one platform's manifest of this very index: the bug this script exists to fix.
per_platform=0
if [ "$old_digest" != "$digest" ] && [[ "$flat" == *'"digest":"'"$old_digest"'"'* ]]; then
  per_platform=1
  echo "update-base-digest: ${arg_name} pins $old_digest, a per-platform manifest of $repo:$tag's index $digest" >&2
fi

new="$repo:$tag@$digest"
companion="$(grep -m1 -E "^ARG ${arg_name}_DIGEST=" "${files[0]}" || true)"
if [ "$new" = "$current" ] && { [ -z "$companion" ] || [ "$companion" = "ARG ${arg_name}_DIGEST=$digest" ]; }; then
  echo "update-base-digest: ${arg_name} is current ($current)"
  exit 0
fi
if [ "$check" -eq 1 ]; then
  [ "$per_platform" -eq 1 ] || echo "update-base-digest: ${arg_name} is stale: $current -> $new" >&2
  [ "$per_platform" -eq 0 ] || echo "update-base-digest: ${arg_name} is not an index digest: $current -> $new" >&2
  exit 1
fi
# Every file must have the line before any is written: never a half-updated pair.
for f in "${files[@]}"; do
  grep -q -E "^ARG ${arg_name}=" "$f" || die "no 'ARG ${arg_name}=' line in $f"
done
for f in "${files[@]}"; do
  tmp="$(mktemp "$f.XXXXXX")"
  # Replace only that ARG line, literally (awk compares strings, no regex from the digest), and its
  # companion `ARG NAME_DIGEST=` (the digest alone, for the base.digest label) where there is one.
  awk -v name="ARG ${arg_name}=" -v value="$new" -v dname="ARG ${arg_name}_DIGEST=" -v digest="$digest" \
    'index($0, name) == 1 { print name value; next } index($0, dname) == 1 { print dname digest; next } { print }' "$f" >"$tmp"
  chmod --reference="$f" "$tmp"
  mv "$tmp" "$f"
  echo "update-base-digest: $f: ${arg_name} $old_digest -> $tag@$digest"
done
