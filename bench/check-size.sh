#!/usr/bin/env bash
# Fails when the release probe grows past its size budget, or is not a static binary.
# Usage: bench/check-size.sh BINARY [BUDGET_BYTES]   (default budget 1.5 MiB = 1572864 bytes)
# Size is deterministic for a given toolchain, so unlike timings it can gate CI.
set -euo pipefail

if [ "$#" -lt 1 ] || [ "$#" -gt 2 ]; then
  echo "usage: $0 BINARY [BUDGET_BYTES]" >&2
  exit 64
fi
binary="$1"
budget="${2:-1572864}"
case "$budget" in '' | *[!0-9]*) echo "check-size: budget must be a number of bytes, got '$budget'" >&2; exit 64 ;; esac
if [ ! -f "$binary" ]; then
  echo "check-size: $binary does not exist (build it first: cmake --preset release && cmake --build --preset release)" >&2
  exit 1
fi

size="$(stat -c %s "$binary")"
kib() { awk -v b="$1" 'BEGIN { printf "%.1f KiB", b / 1024 }'; }
if ! file -b "$binary" | grep -q 'statically linked'; then
  echo "check-size: FAIL: $binary is not statically linked: $(file -b "$binary")" >&2
  exit 1
fi
if [ "$size" -gt "$budget" ]; then
  echo "check-size: FAIL: $binary is $size bytes ($(kib "$size")), over the budget of $budget bytes ($(kib "$budget")) by $((size - budget)) bytes." >&2
  echo "check-size: see bench/SIZE.md for what costs the bytes and how to find it (size map, nm --size-sort)." >&2
  exit 1
fi
echo "check-size: OK: $binary is $size bytes ($(kib "$size")), $((budget - size)) bytes under the budget of $budget bytes ($(kib "$budget"))."
