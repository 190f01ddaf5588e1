#!/usr/bin/env bash
# Installs everything the probe's build and tests need, from Debian bookworm's archive only.
#
#   scripts/setup-deps.sh               build + test tools (what CI and developers need)
#   scripts/setup-deps.sh --build-only  just what the release build needs (the image's builder stage)
#   ... --arch arm64                    also Debian's cross toolchain for linux/arm64 (the release-arm64
#                                       preset), and with the test tools qemu-user-static to run it
# --arch amd64 (the host's own) adds nothing. Installing needs root: run it as root, or as a user
# with sudo (then only apt-get runs under sudo, and .deps/ stays the user's).
#
# cpp-httplib is the one dependency that needs more than `apt-get install`: Debian's
# libcpp-httplib-dev ships the split header plus a shared library, and a fully static
# probe needs the single header of the same version. That header comes from Debian's
# source package (with Debian's security patches applied), is checked against a pinned
# SHA-256, gets our patches from scripts/patches/ (each says why, in Debian's DEP-3 form),
# is checked against a second pin, and lands in .deps/ (ignored by git): third-party code is
# never committed.
#
# The source package is one exact version, so its bytes never change, but Debian's archive keeps a
# version only while it is current: the next point release that supersedes it removes it. So its
# .dsc and the files it names are taken from the archive while they are there, and otherwise from
# Debian's snapshot archive, which keeps every version it ever held. Both ways the .dsc must match
# its pinned SHA-256 and each file the SHA-256 the .dsc gives; bytes that do not are refused, never
# retried elsewhere. Sourcing this file defines the functions without running anything (the tests).
set -euo pipefail

HTTPLIB_SOURCE_VERSION="0.11.4+ds-1+deb12u1"
HTTPLIB_DSC_SHA256="a4dde747bbde7cc9fa62cdf50d61140a0eaefb7f1383497ef2d48daf3bf5f9ec"
HTTPLIB_HEADER_SHA256="2bcaaeb62b3fee7beed69aa51e14f811f4d0bac3a0c1d6f0f095b02655d80a4e"
# The same header with scripts/patches/cpp-httplib-*.patch applied: what the build uses.
HTTPLIB_PATCHED_SHA256="f7d4fe6daa657658cd837451c0bfbc6586b18a76eacc1bb9abc438f4f5457ae9"
# Where that version's files are: the archive's pool, else the same pool in the snapshot archive
# at a moment it was in the archive (it entered bookworm in July 2023 and was still there then).
DEBIAN_ARCHIVE_POOL="http://deb.debian.org/debian/pool/main/c/cpp-httplib"
DEBIAN_SNAPSHOT_POOL="https://snapshot.debian.org/archive/debian/20240101T000000Z/pool/main/c/cpp-httplib"

# The URL of FILE in POOL: '+' (in every Debian revision such as +deb12u1) percent-encoded, as
# the snapshot archive's paths require and the archive accepts.
debian_pool_url() { printf '%s/%s\n' "$1" "${2//+/%2B}"; }

# Downloads FILE, which must have SHA-256 WANT, into DIR from the first of the POOLs that has it.
# A pool that does not answer with the file (absent: 404; or unreachable) passes to the next; a
# pool that answers with other bytes is refused, and nothing else is tried. Says which URL served it.
fetch_pinned() {
  local file="$1" want="$2" dir="$3" pool url got tried=()
  shift 3
  for pool in "$@"; do
    url="$(debian_pool_url "$pool" "$file")"
    if ! curl --fail --silent --show-error --location --proto '=http,https,file' --proto-redir '=http,https' \
      --retry 2 --connect-timeout 20 --max-time 600 --output "$dir/$file.part" "$url" 2>"$dir/curl.log"; then
      tried+=("$url ($(tail -n 1 "$dir/curl.log"))")
      rm -f "$dir/$file.part"
      continue
    fi
    got="$(sha256sum "$dir/$file.part" | cut -d' ' -f1)"
    if [ "$got" != "$want" ]; then
      rm -f "$dir/$file.part"
      echo "setup-deps: refusing $url: its SHA-256 is $got, not the pinned $want" >&2
      return 1
    fi
    mv "$dir/$file.part" "$dir/$file"
    echo "setup-deps: $file from $url (SHA-256 verified)" >&2
    return 0
  done
  echo "setup-deps: no pool has $file:" >&2
  printf '  %s\n' "${tried[@]}" >&2
  return 1
}

# Fetches the source package whose .dsc is DSC (pinned SHA-256 DSC_SHA256) and every file the .dsc
# names (each with the SHA-256 the .dsc gives) from the first POOL that has them, and unpacks it
# into DIR/source with dpkg-source, which applies Debian's patches.
#   fetch_debian_source DSC DSC_SHA256 DIR POOL...
fetch_debian_source() {
  local dsc="$1" dsc_sha256="$2" dir="$3" sha256 name listed=0
  shift 3
  fetch_pinned "$dsc" "$dsc_sha256" "$dir" "$@" || return 1
  # Checksums-Sha256: one " SHA256 SIZE NAME" line a file, up to the next field.
  while read -r sha256 name; do
    [ -n "$sha256$name" ] || continue
    if ! [[ "$sha256" =~ ^[0-9a-f]{64}$ && "$name" =~ ^[A-Za-z0-9][A-Za-z0-9.+_~-]*$ ]]; then
      echo "setup-deps: $dsc lists a file as '$sha256 $name'" >&2
      return 1
    fi
    fetch_pinned "$name" "$sha256" "$dir" "$@" || return 1
    listed=$((listed + 1))
  done <<<"$(awk '/^Checksums-Sha256:/ { in_list = 1; next } /^[^ ]/ { in_list = 0 } in_list && NF == 3 { print $1, $3 }' "$dir/$dsc")"
  [ "$listed" -gt 0 ] || { echo "setup-deps: $dsc lists no file" >&2; return 1; }
  # dpkg-source checks each file against the .dsc again; the .dsc's signature needs a keyring this
  # machine need not have, and the pinned SHA-256 already vouches for it.
  (cd "$dir" && dpkg-source --extract "$dsc" source >"$dir/dpkg-source.log" 2>&1) || {
    cat "$dir/dpkg-source.log" >&2
    echo "setup-deps: dpkg-source could not unpack $dsc" >&2
    return 1
  }
}

main() {
  local root deps_dir header build_only=false arch=amd64 packages
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  deps_dir="${HEALTHPROBE_DEPS_DIR:-$root/.deps}"
  header="$deps_dir/cpp-httplib/httplib.h"

  packages=(
    build-essential cmake file dpkg-dev xz-utils ca-certificates curl patch
    libcpp-httplib-dev nlohmann-json3-dev libspdlog-dev libfmt-dev catch2 python3
  )
  usage() { echo "usage: $0 [--build-only] [--arch amd64|arm64]" >&2; exit 64; }
  while [ "$#" -gt 0 ]; do
    case "$1" in
      --build-only) build_only=true ;;
      --arch) [ "$#" -ge 2 ] || usage; arch="$2"; shift ;;
      --arch=*) arch="${1#--arch=}" ;;
      *) usage ;;
    esac
    shift
  done
  case "$arch" in amd64 | arm64) ;; *) usage ;; esac

  if ! "$build_only"; then
    # The tests use real venvs, mounts (unshare, setpriv: util-linux), bubblewrap as a stand-in
    # for `docker run --read-only`, strace to hold a real system call open (the leftover-file and
    # stuck-check tests), bindfs for a real FUSE mount (hung on demand: a network mount whose
    # server stopped answering), node for the Dockerfile policy test, and the linters.
    packages+=(python3-venv util-linux bubblewrap strace bindfs clang-format clang-tidy)
    command -v node >/dev/null && command -v npm >/dev/null || packages+=(nodejs npm)
  fi
  if [ "$arch" = arm64 ]; then
    # Debian's cross compiler brings the target's glibc and libstdc++ with their static archives,
    # and its binutils the aarch64 gold the release link uses (identical code folding).
    packages+=(g++-aarch64-linux-gnu binutils-aarch64-linux-gnu)
    # The tests run the arm64 probe through user-mode QEMU, explicitly (no binfmt registration).
    "$build_only" || packages+=(qemu-user-static)
  fi

  bash "$root/scripts/ensure-packages.sh" "${packages[@]}"

  sha256_is() { [ -f "$2" ] && echo "$1  $2" | sha256sum -c --status; }
  if sha256_is "$HTTPLIB_PATCHED_SHA256" "$header"; then
    return 0
  fi

  local work source_dir patch_file
  work="$(mktemp -d)"
  # shellcheck disable=SC2064 # expand now: work is local to main
  trap "rm -rf '$work'" EXIT
  fetch_debian_source "cpp-httplib_${HTTPLIB_SOURCE_VERSION}.dsc" "$HTTPLIB_DSC_SHA256" "$work" \
    "$DEBIAN_ARCHIVE_POOL" "$DEBIAN_SNAPSHOT_POOL" || {
    echo "setup-deps: could not fetch Debian's cpp-httplib $HTTPLIB_SOURCE_VERSION source package" >&2
    exit 1
  }
  source_dir="$work/source"
  if ! sha256_is "$HTTPLIB_HEADER_SHA256" "$source_dir/httplib.h"; then
    echo "setup-deps: Debian's httplib.h does not match the pinned SHA-256 $HTTPLIB_HEADER_SHA256" >&2
    exit 1
  fi
  for patch_file in "$root"/scripts/patches/cpp-httplib-*.patch; do
    patch --quiet --forward --no-backup-if-mismatch -p1 -d "$source_dir" <"$patch_file" || {
      echo "setup-deps: $patch_file does not apply to cpp-httplib $HTTPLIB_SOURCE_VERSION" >&2
      exit 1
    }
  done
  mkdir -p "$deps_dir/cpp-httplib"
  cp "$source_dir/httplib.h" "$source_dir/LICENSE" "$deps_dir/cpp-httplib/"
  if ! sha256_is "$HTTPLIB_PATCHED_SHA256" "$header"; then
    echo "setup-deps: the patched $header does not match the pinned SHA-256 $HTTPLIB_PATCHED_SHA256" >&2
    rm -f "$header"
    exit 1
  fi
  echo "setup-deps: cpp-httplib $HTTPLIB_SOURCE_VERSION single header (patched: scripts/patches/) ready in $deps_dir/cpp-httplib"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  main "$@"
fi
