#!/usr/bin/env bash
# Stops a script that root would run in someone else's checkout (`sudo bash scripts/test.sh`):
# it would leave build/ and .deps/ owned by root, and the user's next build fails. The scripts
# need root only for apt-get, and call sudo for that themselves.
#   scripts/refuse-foreign-checkout.sh NAME   (exit 64 with advice, or 0)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
owner="$(stat -c %u "$root")"
if [ "$(id -u)" -eq 0 ] && [ "$owner" -ne 0 ]; then
  user="$(id -nu "$owner" 2>/dev/null || echo "uid $owner")"
  echo "${1:-this script}: refusing to run as root in $user's checkout ($root): build/ and .deps/" >&2
  echo "would end up owned by root. Run it as $user, without sudo: it calls sudo for apt-get only." >&2
  exit 64
fi
