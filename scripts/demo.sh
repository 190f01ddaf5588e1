#!/usr/bin/env bash
# The main job, end to end on a fresh Debian bookworm machine: build the static probe, start the
# stand-in webhook from a real venv on loopback, probe it (text and JSON), then stop the server
# and probe again to show the failure report. Exits non-zero if any step does not behave.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/refuse-foreign-checkout.sh demo.sh

bash scripts/setup-deps.sh --build-only
bash scripts/ensure-packages.sh python3-venv
cmake --preset release >/dev/null
cmake --build --preset release >/dev/null
probe="$PWD/build/release/healthprobe"
file "$probe"

work="$(mktemp -d)"
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

/usr/bin/python3 -m venv "$work/venv"  # with pip: a real distribution for --require to find
# PORT=0: the OS picks a free port; the stand-in prints it on its first line.
(cd docker/standin && HOST=127.0.0.1 PORT=0 exec "$work/venv/bin/python" -m src.app >"$work/server.log") &
server_pid=$!
for _ in $(seq 50); do grep -q listening "$work/server.log" 2>/dev/null && break; sleep 0.1; done
port="$(sed -n 's/.*:\([0-9]*\)$/\1/p' "$work/server.log" | head -1)"
[ -n "$port" ] || { echo "demo: the stand-in webhook did not start" >&2; exit 1; }

export PORT="$port" HEALTHPROBE_VENV="$work/venv" HEALTHPROBE_REQUIRE=pip
echo
echo "\$ PORT=$port HEALTHPROBE_VENV=$work/venv HEALTHPROBE_REQUIRE=pip healthprobe"
status=0
"$probe" || status=$?
echo "exit code: $status"
[ "$status" -eq 0 ] || { echo "demo: expected exit code 0 with the server up" >&2; exit 1; }
echo
echo "\$ healthprobe --format json"
"$probe" --format json
echo
kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
echo "\$ healthprobe   # after stopping the server"
status=0
"$probe" || status=$?
echo "exit code: $status"
[ "$status" -eq 1 ] || { echo "demo: expected exit code 1 with the server stopped" >&2; exit 1; }
