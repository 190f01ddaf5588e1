#!/usr/bin/env python3
"""Peak RSS and wall time of the probe reading the worst 64 KiB health bodies.

The contract: the release probe's peak RSS stays at or below 4 MiB for any body it reads (at most
64 KiB). The shapes are the ones that cost a recursive reader stack or a document tree memory:
nesting 32,000 deep, thousands of tiny members or empty arrays, one long string, escapes to decode,
Python's NaN/Infinity, bytes that are not UTF-8. Each is served whole (with its Content-Length)
from a loopback server in this script; every probe given with --probe runs --runs times against
each through bench/spawn (which reads the probe's own ru_maxrss with wait4; spawn.c says why).
Writes a JSON summary (median and max RSS, median wall time, exit codes) and prints a table.
Standard library only.
"""

import argparse
import json
import socket
import statistics
import subprocess
import sys
import threading

LIMIT = 65536
CEILING_KIB = 4 * 1024


def fill(head, unit, tail):
    """head + as many units as fit + tail, within LIMIT bytes."""
    count = (LIMIT - len(head) - len(tail)) // len(unit)
    return head + unit * count + tail


def shapes():
    depth = (LIMIT - len(b'{"status":}')) // 2
    nested = (LIMIT - len(b'{"status":"fail","x":1}')) // (len(b'{"a":') + 1)
    members = b'{"status":"ok"'
    i = 0
    while len(members) < LIMIT - 16:
        members += b',"%x":0' % i
        i += 1
    return {
        "deep-status": b'{"status":' + b"[" * depth + b"]" * depth + b"}",
        "deep-object": b'{"x":' + b'{"a":' * nested + b"1" + b"}" * nested + b',"status":"fail"}',
        "many-members": members + b"}",
        "empty-arrays": fill(b'{"status":[', b"[],", b"[]]}"),
        "long-string": fill(b'{"status":"ok","warning":"', b"w", b'"}'),
        "escapes": fill(b'{"status":"ok","warning":"', b"\\u00e9\\ud83d\\ude00", b'"}'),
        "python-nan": fill(b'{"status":"fail","samples":[', b"NaN,Infinity,-Infinity,", b"0]}"),
        "not-utf8": fill(b'{"status":"ok","warning":"', b"\xff\xc0", b'"}'),
    }


def serve(body):
    """A loopback server answering every connection with body, then closing. Returns its port."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    response = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body)

    def loop():
        while True:
            client, _ = listener.accept()
            with client:
                request = b""
                while b"\r\n\r\n" not in request:
                    chunk = client.recv(4096)
                    if not chunk:
                        break
                    request += chunk
                try:
                    client.sendall(response + body)
                except OSError:
                    pass

    threading.Thread(target=loop, daemon=True).start()
    return listener.getsockname()[1]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--probe", action="append", required=True, metavar="LABEL=PATH")
    ap.add_argument("--spawn", required=True)
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    probes = [p.split("=", 1) for p in args.probe]
    env = {"PATH": "/usr/bin:/bin", "LC_ALL": "C"}
    result = {"runs": args.runs, "body_bytes": LIMIT, "ceiling_kib": CEILING_KIB, "shapes": {}}
    worst = 0
    for name, body in shapes().items():
        assert len(body) <= LIMIT, name
        url = f"http://127.0.0.1:{serve(body)}/health"
        samples = {label: {"rss_kib": [], "wall_us": [], "exit": []} for label, _ in probes}
        for _ in range(args.runs):
            for label, path in probes:  # interleaved, so drift hits every probe alike
                out = subprocess.run([args.spawn, path, "--url", url, "--timeout", "2s",
                                      "--venv", "none", "--writable", "none"],
                                     env=env, capture_output=True, text=True, timeout=60, check=True)
                wall_ns, rss_kib, status = (int(x) for x in out.stdout.split())
                s = samples[label]
                s["rss_kib"].append(rss_kib)
                s["wall_us"].append(round(wall_ns / 1000))
                s["exit"].append(status >> 8 if status & 0x7F == 0 else 128 + (status & 0x7F))
        summary = {}
        for label, s in samples.items():
            summary[label] = {"rss_kib_median": statistics.median(s["rss_kib"]), "rss_kib_max": max(s["rss_kib"]),
                              "wall_ms_median": round(statistics.median(s["wall_us"]) / 1000, 1),
                              "exit_codes": sorted(set(s["exit"]))}
            worst = max(worst, max(s["rss_kib"])) if label == probes[0][0] else worst
            print(f"{name:<13} {label:<8} peak RSS median {summary[label]['rss_kib_median']:>8.0f} KiB, "
                  f"max {summary[label]['rss_kib_max']:>8} KiB, wall {summary[label]['wall_ms_median']:>7} ms, "
                  f"exit {summary[label]['exit_codes']}", flush=True)
        result["shapes"][name] = {"bytes": len(body), **summary}
    result["worst_rss_kib"] = worst
    with open(args.out, "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")
    verdict = "within" if worst <= CEILING_KIB else "OVER"
    print(f"{probes[0][0]}: worst peak RSS {worst} KiB, {verdict} the {CEILING_KIB} KiB ceiling")
    return 0 if worst <= CEILING_KIB else 1


if __name__ == "__main__":
    sys.exit(main())
