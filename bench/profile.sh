#!/usr/bin/env bash
# Where the image's run spends its time beside the floor's GET, by kernel entry (bench/STARTUP.md):
# bash bench/profile.sh [RUNS]. Builds the release probe and the bench helpers, then samples RUNS
# (default 3000) runs of each under perf. Needs perf (Debian: linux-perf) and root.
set -euo pipefail
# shellcheck source=bench/prepare.sh
source "$(dirname "${BASH_SOURCE[0]}")/prepare.sh" floor responder
command -v perf >/dev/null || { echo "profile.sh: needs perf (apt-get install linux-perf)" >&2; exit 1; }
/usr/bin/python3 bench/profile.py --probe "$probe" --floor "$out/floor" --responder "$out/responder" \
  --runs "${1:-3000}" --image "$root/docker/Dockerfile"
