#!/usr/bin/env bash
# Stops `sudo bash scripts/test.sh` (or demo.sh) in the invoking user's own checkout: root would
# leave build/ and .deps/ owned by root, and the user's next build fails. The scripts need root
# only for apt-get, and call sudo for that themselves. Root in a root-owned checkout (CI, a
# container) and root in a CI workspace owned by a runner account are not affected: only sudo sets
# SUDO_UID.
#   scripts/refuse-foreign-checkout.sh NAME   (exit 64 with advice, or 0)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ "$(id -u)" -eq 0 ] && [ -n "${SUDO_UID:-}" ] && [ "$SUDO_UID" != 0 ] &&
  [ "$(stat -c %u "$root")" = "$SUDO_UID" ]; then
  echo "${1:-this script}: do not run it with sudo: build/ and .deps/ in $root would end up owned" >&2
  echo "by root. Run it as ${SUDO_USER:-yourself}; it calls sudo for apt-get only." >&2
  exit 64
fi
