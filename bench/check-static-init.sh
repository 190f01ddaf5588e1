#!/usr/bin/env bash
# Fails when the release probe's link pulls in libstdc++'s ios_init.o: a static binary that does
# runs std::ios_base::Init before main (the eight standard streams and the classic locale), about
# 45 us of every run on the bench machine (bench/STARTUP.md). One `#include <iostream>` anywhere
# in the probe's sources, or in a header they include, brings it back; <istream>, <ostream> and
# <sstream> do not. The link map says which object asked for it.
# Usage: bench/check-static-init.sh LINK_MAP
set -euo pipefail

if [ "$#" -ne 1 ]; then
  echo "usage: $0 LINK_MAP" >&2
  exit 64
fi
map="$1"
if [ ! -f "$map" ]; then
  echo "check-static-init: $map does not exist (the release link writes it: cmake --build --preset release)" >&2
  exit 1
fi
# The map opens with the archive members the link pulled in: a line naming the member (at column
# 0), then one naming who needed it and for which symbol.
if grep -q '^[^ ].*(ios_init\.o)$' "$map"; then
  echo "check-static-init: FAIL: the link pulls in libstdc++'s ios_init.o, needed by:" >&2
  grep -m1 -A1 '^[^ ].*(ios_init\.o)$' "$map" | tail -n 1 | sed 's/^ */  /' >&2
  echo "check-static-init: an #include <iostream> reached the probe; use <istream>/<ostream>." >&2
  exit 1
fi
echo "check-static-init: OK: no std::ios_base::Init in $map"
