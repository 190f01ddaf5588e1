#!/usr/bin/env bash
# scripts/release-state.sh against a stand-in GitHub REST API on loopback (a real HTTP server that
# answers from a file the test rewrites): published, draft and absent releases, and API errors,
# which must fail instead of reading as "none" (a re-run would then publish a second time).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
# shellcheck source=tests/scripts/report.sh
source "$here/report.sh"

cat >"$work/api.py" <<'PY'
import http.server, json, sys
answers, log = sys.argv[1], sys.argv[2]
class API(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        with open(log, 'a') as f:
            f.write(f"{self.path} {self.headers.get('Authorization')}\n")
        table = json.load(open(answers))
        status, body = table.get(self.path, [404, {"message": "Not Found"}])
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)
    def log_message(self, *args):
        pass
server = http.server.HTTPServer(('127.0.0.1', 0), API)
print(server.server_port, flush=True)
server.serve_forever()
PY
echo '{}' >"$work/answers.json"
python3 -u "$work/api.py" "$work/answers.json" "$work/requests.log" >"$work/port" &
server_pid=$!
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
port="$(cat "$work/port")"
[ -n "$port" ] || { echo "release-state: the stand-in API did not start" >&2; exit 1; }

base=/repos/example/healthprobe
answers() { printf '%s\n' "$1" >"$work/answers.json"; }
state() {
  rc=0
  out="$(GITHUB_API_URL="http://127.0.0.1:$port" GITHUB_REPOSITORY=example/healthprobe GH_TOKEN=secret-token \
    bash "$repo/scripts/release-state.sh" "$1" 2>"$work/err")" || rc=$?
  err="$(cat "$work/err")"
}
expect() { # NAME STATE
  if [ "$rc" -eq 0 ] && [ "$out" = "$2" ]; then pass "$1"; else fail "$1 (exit $rc, printed '$out', said: $err)"; fi
}

answers "{\"$base/releases/tags/v0.1.0\": [200, {\"tag_name\": \"v0.1.0\", \"draft\": false}]}"
state v0.1.0
expect "a published release is published (found by its tag)" published
grep -q "^$base/releases/tags/v0.1.0 Bearer secret-token$" "$work/requests.log" \
  && pass "the API is asked with the token" || fail "the API is asked with the token ($(cat "$work/requests.log"))"

answers "{\"$base/releases?per_page=100\": [200, [{\"tag_name\": \"v0.0.9\", \"draft\": false}, {\"tag_name\": \"v0.1.0\", \"draft\": true}]]}"
state v0.1.0
expect "a draft left by an earlier run is a draft (the tag lookup 404s, the list has it)" draft

answers "{\"$base/releases?per_page=100\": [200, [{\"tag_name\": \"v0.0.9\", \"draft\": false}]]}"
state v0.1.0
expect "no release of the tag is none" none
answers "{\"$base/releases?per_page=100\": [200, []]}"
state v0.1.0
expect "a repository without releases: none" none

answers "{\"$base/releases/tags/v0.1.0\": [500, {\"message\": \"Server Error\"}]}"
state v0.1.0
[ "$rc" -eq 1 ] && [ -z "$out" ] && grep -q 'answered 500' <<<"$err" \
  && pass "a server error on the tag lookup fails, printing no state" || fail "a server error fails (exit $rc, '$out', $err)"
answers "{\"$base/releases?per_page=100\": [403, {\"message\": \"Resource not accessible by integration\"}]}"
state v0.1.0
[ "$rc" -eq 1 ] && [ -z "$out" ] && grep -q 'answered 403' <<<"$err" \
  && pass "a refused list (a token without access) fails, printing no state" || fail "a refused list fails (exit $rc, '$out', $err)"

kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
state v0.1.0
[ "$rc" -eq 1 ] && [ -z "$out" ] && pass "no API at all fails, printing no state" || fail "no API fails (exit $rc, '$out', $err)"

finish
