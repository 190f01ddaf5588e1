#!/usr/bin/env bash
# scripts/setup-deps.sh's source download, without the network: a Debian source package made here
# (dpkg-source, a '+' in its version like +deb12u1) served by a real HTTP server on loopback as two
# pools, "archive" and "snapshot". The archive is used while it has the version, the snapshot
# archive when the archive answers 404, and wrong bytes from either are refused with nothing
# unpacked and nothing else tried. The real pins' URLs are checked as strings.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
# shellcheck source=tests/scripts/report.sh
source "$here/report.sh"
# shellcheck source=scripts/setup-deps.sh
source "$repo/scripts/setup-deps.sh"  # functions and pins only: sourcing runs nothing

for tool in dpkg-source curl python3 xz; do
  command -v "$tool" >/dev/null || { echo "debian-source: $tool is missing (scripts/setup-deps.sh installs it)" >&2; exit 1; }
done

# The real pins: the archive's pool first, then the snapshot archive's, '+' encoded.
want_dsc="cpp-httplib_0.11.4%2Bds-1%2Bdeb12u1.dsc"
[ "$(debian_pool_url "$DEBIAN_ARCHIVE_POOL" "cpp-httplib_${HTTPLIB_SOURCE_VERSION}.dsc")" \
  = "http://deb.debian.org/debian/pool/main/c/cpp-httplib/$want_dsc" ] \
  && pass "the pinned version's .dsc in Debian's archive: deb.debian.org/debian/pool/main/c/cpp-httplib/$want_dsc" \
  || fail "the archive URL of the pinned .dsc"
[[ "$(debian_pool_url "$DEBIAN_SNAPSHOT_POOL" "cpp-httplib_${HTTPLIB_SOURCE_VERSION}.dsc")" \
  =~ ^https://snapshot\.debian\.org/archive/debian/[0-9]{8}T[0-9]{6}Z/pool/main/c/cpp-httplib/"$want_dsc"$ ]] \
  && pass "the pinned version's .dsc in the snapshot archive: the same pool path at a fixed moment" \
  || fail "the snapshot URL of the pinned .dsc"

# A 3.0 (quilt) source package, like cpp-httplib's: an orig tarball, a debian tarball, a .dsc.
version="1.0+ds-1+deb12u1"
pkg="$work/build/hello-1.0+ds"
mkdir -p "$pkg/debian/source"
echo 'the upstream file' >"$pkg/hello.h"
tar -C "$work/build" -cJf "$work/build/hello_1.0+ds.orig.tar.xz" hello-1.0+ds
echo '3.0 (quilt)' >"$pkg/debian/source/format"
printf 'Source: hello\nMaintainer: Test <test@example.invalid>\n\nPackage: hello\nArchitecture: all\nDescription: test\n test\n' \
  >"$pkg/debian/control"
printf 'hello (%s) bookworm; urgency=medium\n\n  * Test.\n\n -- Test <test@example.invalid>  Thu, 13 Jul 2023 00:00:00 +0000\n' \
  "$version" >"$pkg/debian/changelog"
(cd "$work/build" && dpkg-source --build hello-1.0+ds >/dev/null 2>&1) || { echo "dpkg-source --build failed" >&2; exit 1; }
dsc="hello_${version}.dsc"
dsc_sha256="$(sha256sum "$work/build/$dsc" | cut -d' ' -f1)"
debian_tar="hello_${version}.debian.tar.xz"

# Serve $work/www on loopback; python logs every request's path (the proof of which pool was asked).
mkdir -p "$work/www"
python3 -u -m http.server 0 --bind 127.0.0.1 --directory "$work/www" >"$work/server.out" 2>"$work/requests.log" &
server_pid=$!
port=""
for _ in $(seq 100); do
  port="$(sed -n 's/.* port \([0-9]*\) .*/\1/p' "$work/server.out" | head -n 1)"
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { echo "debian-source: the loopback server did not start" >&2; exit 1; }
archive="http://127.0.0.1:$port/archive/pool/main/h/hello"
snapshot="http://127.0.0.1:$port/snapshot/archive/debian/20240101T000000Z/pool/main/h/hello"

# publish WHERE: the package's three files in that pool; tamper WHERE FILE: one byte more.
publish() { mkdir -p "$work/www/$1" && cp "$work/build/hello_"* "$work/www/$1/"; }
tamper() { echo >>"$work/www/$1/$2"; }
# attempt NAME: a fresh download dir, the function's exit status, what it said, which pools were asked.
attempt() {
  rm -rf "$work/get" && mkdir "$work/get"
  local seen
  seen="$(wc -l <"$work/requests.log")"
  rc=0
  fetch_debian_source "$dsc" "$dsc_sha256" "$work/get" "$archive" "$snapshot" 2>"$work/said" || rc=$?
  said="$(cat "$work/said")"
  sleep 0.2  # the server logs after answering
  asked="$(tail -n "+$((seen + 1))" "$work/requests.log" | grep -o 'GET [^ ]*' || true)"
}
unpacked() { [ "$(cat "$work/get/source/hello.h" 2>/dev/null)" = 'the upstream file' ]; }
nothing_unpacked() { [ ! -e "$work/get/source" ]; }

publish archive/pool/main/h/hello
publish snapshot/archive/debian/20240101T000000Z/pool/main/h/hello
attempt
if [ "$rc" -eq 0 ] && unpacked && grep -q "$dsc from $archive/hello_1.0%2Bds-1%2Bdeb12u1.dsc" <<<"$said" \
  && ! grep -q /snapshot/ <<<"$asked"; then
  pass "while the archive has the version, it comes from the archive and the snapshot archive is not asked"
else
  fail "while the archive has the version, it comes from the archive (rc $rc; said: $said; asked: $asked)"
fi

rm -rf "$work/www/archive"
attempt
if [ "$rc" -eq 0 ] && unpacked && grep -q "GET /archive/.*$(printf %s "$dsc" | sed 's/+/%2B/g')" <<<"$asked" \
  && grep -q "$dsc from $snapshot/" <<<"$said" && grep -q "$debian_tar from $snapshot/" <<<"$said"; then
  pass "once the archive answers 404, every file comes from the snapshot archive, verified, and unpacks"
else
  fail "once the archive answers 404, every file comes from the snapshot archive (rc $rc; said: $said; asked: $asked)"
fi

publish archive/pool/main/h/hello
tamper archive/pool/main/h/hello "$dsc"
attempt
if [ "$rc" -ne 0 ] && nothing_unpacked && grep -q "refusing $archive/.*dsc: its SHA-256 is" <<<"$said" \
  && ! grep -q /snapshot/ <<<"$asked"; then
  pass "a .dsc from the archive that is not the pinned bytes is refused, and nothing else is tried"
else
  fail "a tampered .dsc from the archive is refused (rc $rc; said: $said; asked: $asked)"
fi

rm -rf "$work/www/archive"
tamper snapshot/archive/debian/20240101T000000Z/pool/main/h/hello "$debian_tar"
attempt
if [ "$rc" -ne 0 ] && nothing_unpacked && grep -q "refusing $snapshot/hello_1.0%2Bds-1%2Bdeb12u1.debian.tar.xz" <<<"$said"; then
  pass "a tarball from the snapshot archive that is not what the pinned .dsc says is refused, nothing unpacked"
else
  fail "a tampered tarball from the snapshot archive is refused (rc $rc; said: $said)"
fi

rm -rf "$work/www/snapshot"
attempt
if [ "$rc" -ne 0 ] && nothing_unpacked && grep -q "no pool has $dsc" <<<"$said" \
  && grep -q "$archive/.*404" <<<"$said" && grep -q "$snapshot/.*404" <<<"$said"; then
  pass "when neither has it, the run fails naming both URLs and their answers"
else
  fail "when neither has it, the run fails naming both URLs (rc $rc; said: $said)"
fi

# file:// pools work the same (a local mirror, or a copy kept by hand).
publish filepool
rc=0
rm -rf "$work/get" && mkdir "$work/get"
fetch_debian_source "$dsc" "$dsc_sha256" "$work/get" "file://$work/www/absent" "file://$work/www/filepool" 2>"$work/said" || rc=$?
[ "$rc" -eq 0 ] && unpacked && pass "file:// pools: the first lacks it, the second serves it" \
  || fail "file:// pools (rc $rc; said: $(cat "$work/said"))"

finish
