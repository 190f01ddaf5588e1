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
import socket
import sys
import threading

import peak_rss

LIMIT = 65536
CEILING_KIB = peak_rss.CEILING_KIB


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
    result = {"runs": args.runs, "body_bytes": LIMIT, "ceiling_kib": CEILING_KIB, "shapes": {}}
    worst = 0
    for name, body in shapes().items():
        assert len(body) <= LIMIT, name
        url = f"http://127.0.0.1:{serve(body)}/health"
        samples = peak_rss.measure(probes, args.spawn, url, args.runs, "2s")
        summary = peak_rss.summarize(name, samples)
        worst = max(worst, summary[probes[0][0]]["rss_kib_max"])
        result["shapes"][name] = {"bytes": len(body), **summary}
    return peak_rss.finish(result, probes[0][0], worst, args.out)


if __name__ == "__main__":
    sys.exit(main())
