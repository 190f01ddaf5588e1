#!/usr/bin/env bash
# The release's version has one source: `project(healthprobe VERSION X.Y.Z ...)` in CMakeLists.txt,
# which `healthprobe --version` prints. A release tag must be exactly vX.Y.Z of that version. The
# release workflow runs this first, before anything is built, so a wrong tag fails in seconds.
# Prints X.Y.Z and exits 0, or says what differs and exits 1 (64: bad usage).
#
#   bash scripts/release-version.sh v0.1.0                    # the tag being released
#   bash scripts/release-version.sh v0.1.0 path/CMakeLists.txt
set -euo pipefail

if [ "$#" -lt 1 ] || [ "$#" -gt 2 ]; then
  echo "usage: $0 TAG [CMakeLists.txt]" >&2
  exit 64
fi
tag="$1"
cmakelists="${2:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/CMakeLists.txt}"
die() { echo "release-version: $*" >&2; exit 1; }

[ -f "$cmakelists" ] || die "no $cmakelists"
# project() may span lines and carry comments; the file is read as one line, comments dropped.
flat="$(sed 's/#.*//' "$cmakelists" | tr '\n' ' ')"
found="$(grep -oE 'project\([[:space:]]*healthprobe[[:space:]]+VERSION[[:space:]]+[^[:space:])]+' <<<"$flat" || true)"
count="$(grep -c . <<<"$found" || true)"
[ "$count" -eq 1 ] || die "expected one 'project(healthprobe VERSION X.Y.Z' in $cmakelists, found $count"
version="$(sed -E 's/.*VERSION[[:space:]]+//' <<<"$found")"
[[ "$version" =~ ^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$ ]] \
  || die "project(VERSION $version) in $cmakelists is not X.Y.Z"
[[ "$tag" =~ ^v(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$ ]] || die "tag '$tag' is not vX.Y.Z"
[ "$tag" = "v$version" ] || die "tag $tag does not match project(VERSION $version) in $cmakelists: tag v$version, or change the version in a commit first"
echo "$version"
