#!/usr/bin/env bash
# The one rule for every image digest pinned in this repository: it must be a multi-platform INDEX
# (OCI image index or Docker manifest list) naming linux/amd64 and linux/arm64, and the digest is
# the sha256 of the index's raw bytes exactly as the registry serves them. A per-platform manifest
# digest would make every --platform build from that one arch.
#
#   docker/index-digest.sh REF                 # ask the registry (repo:tag or repo@sha256:...)
#   docker/index-digest.sh REF --save FILE     # ... and keep the raw bytes it answered in FILE
#   docker/index-digest.sh --manifest FILE     # a raw manifest already saved, byte for byte
#   docker/index-digest.sh --manifest FILE --as REF   # ... naming REF in what it says
#
# Prints sha256:<hex> and exits 0, or says why the answer is not such an index and exits 1.
# The bytes go to a file and are hashed from there: a shell variable ("$(...)") drops the trailing
# newline that, for one, Docker Hub's official-image indexes end with, and the hash is then wrong.
# The raw manifest comes from `docker buildx imagetools inspect --raw`, else `skopeo inspect --raw`;
# DIGEST_RESOLVER=CMD replaces both (CMD REF prints the raw manifest: the tests' stand-in registry).
set -euo pipefail

die() { echo "index-digest: $*" >&2; exit 1; }
usage() { echo "usage: $0 REF [--save FILE] | --manifest FILE [--as REF]" >&2; exit 64; }

# The raw manifest REF resolves to, byte for byte, into OUT.
raw_manifest() {
  local ref="$1" out="$2"
  if [ -n "${DIGEST_RESOLVER:-}" ]; then
    $DIGEST_RESOLVER "$ref" >"$out"
  elif command -v docker >/dev/null 2>&1 && docker buildx version >/dev/null 2>&1; then
    docker buildx imagetools inspect --raw "$ref" >"$out"
  elif command -v skopeo >/dev/null 2>&1; then
    skopeo inspect --raw "docker://$ref" >"$out"
  else
    die "need docker buildx or skopeo to resolve $ref"
  fi
}

[ "$#" -ge 1 ] || usage
if [ "$1" = --manifest ]; then
  [ "$#" -eq 2 ] || { [ "$#" -eq 4 ] && [ "$3" = --as ]; } || usage
  manifest="$2"
  what="${4:-$manifest}"
  [ -f "$manifest" ] || die "no file $manifest"
else
  [ "$#" -eq 1 ] || { [ "$#" -eq 3 ] && [ "$2" = --save ]; } || usage
  what="$1"
  if [ "$#" -eq 3 ]; then
    manifest="$3"
  else
    manifest="$(mktemp)"
    trap 'rm -f "$manifest"' EXIT
  fi
  raw_manifest "$1" "$manifest" || die "could not resolve $1"
fi
[ -s "$manifest" ] || die "refusing an empty manifest for $what"

# What the bytes are: index, single-platform manifest, or not a manifest at all; and the linux
# architectures an index names (attestation manifests, platform unknown/unknown, are not images).
kind="$(python3 - "$manifest" <<'PY'
import json, sys
try:
    with open(sys.argv[1], 'rb') as f:
        doc = json.loads(f.read().decode('utf-8'))
except (ValueError, UnicodeDecodeError):
    print('not-json'); sys.exit(0)
if not isinstance(doc, dict) or doc.get('schemaVersion') != 2:
    print('not-json'); sys.exit(0)
media = doc.get('mediaType', '')
manifests = doc.get('manifests')
if 'layers' in doc or 'config' in doc or media.endswith('manifest.v1+json') or media.endswith('manifest.v2+json'):
    print('single'); sys.exit(0)
if not isinstance(manifests, list):
    print('not-json'); sys.exit(0)
arches = sorted({m.get('platform', {}).get('architecture', '') for m in manifests
                 if isinstance(m, dict) and m.get('platform', {}).get('os') == 'linux'})
print('index ' + ','.join(a for a in arches if a))
PY
)"
case "$kind" in
  not-json) die "refusing $what: the registry's answer is not an image manifest" ;;
  single) die "refusing $what: it is a single-platform manifest, not a multi-platform index (pin the index, so every --platform gets its own arch)" ;;
esac
arches="${kind#index }"
for arch in amd64 arm64; do
  [[ ",$arches," == *",$arch,"* ]] || die "refusing $what: its index has no linux/$arch image (it has: ${arches:-none})"
done
digest="sha256:$(sha256sum "$manifest" | cut -d' ' -f1)"
[[ "$digest" =~ ^sha256:[0-9a-f]{64}$ ]] || die "refusing malformed digest for $what: '$digest'"
echo "$digest"
