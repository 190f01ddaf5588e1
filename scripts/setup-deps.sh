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
set -euo pipefail

HTTPLIB_SOURCE_VERSION="0.11.4+ds-1+deb12u1"
HTTPLIB_HEADER_SHA256="2bcaaeb62b3fee7beed69aa51e14f811f4d0bac3a0c1d6f0f095b02655d80a4e"
# The same header with scripts/patches/cpp-httplib-*.patch applied: what the build uses.
HTTPLIB_PATCHED_SHA256="747dd1df3dad9dff49a77b98ad85a77e2777832025f6dcabe1e707035e8322e2"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
deps_dir="${HEALTHPROBE_DEPS_DIR:-$root/.deps}"
header="$deps_dir/cpp-httplib/httplib.h"

packages=(
  build-essential cmake file dpkg-dev xz-utils ca-certificates patch
  libcpp-httplib-dev nlohmann-json3-dev libspdlog-dev libfmt-dev catch2 python3
)
usage() { echo "usage: $0 [--build-only] [--arch amd64|arm64]" >&2; exit 64; }
build_only=false
arch=amd64
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
  # stuck-check tests), node for the Dockerfile policy test, and the linters.
  packages+=(python3-venv util-linux bubblewrap strace clang-format clang-tidy)
  command -v node >/dev/null && command -v npm >/dev/null || packages+=(nodejs npm)
fi
if [ "$arch" = arm64 ]; then
  # Debian's cross compiler brings the target's glibc and libstdc++ with their static archives,
  # and its binutils the aarch64 gold the release link uses (identical code folding).
  packages+=(g++-aarch64-linux-gnu binutils-aarch64-linux-gnu)
  # The tests run the arm64 probe through user-mode QEMU, explicitly (no binfmt registration).
  "$build_only" || packages+=(qemu-user-static)
fi

sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

bash "$root/scripts/ensure-packages.sh" "${packages[@]}"

sha256_is() { [ -f "$2" ] && echo "$1  $2" | sha256sum -c --status; }
header_ok() { sha256_is "$HTTPLIB_PATCHED_SHA256" "$header"; }

if header_ok; then
  exit 0
fi

# apt-get source needs a deb-src entry; add bookworm's own (and its security suite) if none is there.
if ! apt-cache showsrc cpp-httplib 2>/dev/null | grep -q "^Version: $HTTPLIB_SOURCE_VERSION\$"; then
  sudo_if_needed tee /etc/apt/sources.list.d/healthprobe-deb-src.sources >/dev/null <<'SOURCES'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
  sudo_if_needed apt-get update -qq
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get source -qq --only-source "cpp-httplib=$HTTPLIB_SOURCE_VERSION" >/dev/null 2>&1) || {
  echo "setup-deps: could not fetch Debian's cpp-httplib $HTTPLIB_SOURCE_VERSION source package" >&2
  exit 1
}
source_dir="$(echo "$work"/cpp-httplib-*/)"
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
if ! header_ok; then
  echo "setup-deps: the patched $header does not match the pinned SHA-256 $HTTPLIB_PATCHED_SHA256" >&2
  rm -f "$header"
  exit 1
fi
echo "setup-deps: cpp-httplib $HTTPLIB_SOURCE_VERSION single header (patched: scripts/patches/) ready in $deps_dir/cpp-httplib"
