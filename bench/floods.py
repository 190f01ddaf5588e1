#!/usr/bin/env python3
"""Peak RSS of the probe against hostile servers that never stop sending (bench/flooder.c).

The contract: the release probe's peak RSS stays at or below 4 MiB against every one of them.
Each mode gets its own flooder; every probe given with --probe runs --runs times against it through
bench/spawn (which reads the probe's own ru_maxrss with wait4; see spawn.c for why not from here).
Writes a JSON summary (median and max RSS, median wall time, exit codes) and prints a table.
Standard library only. Servers listen on 127.0.0.1 and die with this script.
"""

import argparse
import ctypes
import signal
import subprocess
import sys

import peak_rss

MODES = ["header-lines", "header-line", "status-line", "chunk-line", "interim", "body", "chunked-body"]
CEILING_KIB = peak_rss.CEILING_KIB


def die_with_parent():
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--probe", action="append", required=True, metavar="LABEL=PATH")
    ap.add_argument("--spawn", required=True)
    ap.add_argument("--flooder", required=True)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--timeout", default="2s", help="the probe's --timeout")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    probes = [p.split("=", 1) for p in args.probe]
    result = {"runs": args.runs, "timeout": args.timeout, "ceiling_kib": CEILING_KIB, "modes": {}}
    worst = 0
    for mode in MODES:
        server = subprocess.Popen([args.flooder, mode], stdout=subprocess.PIPE, text=True,
                                  preexec_fn=die_with_parent)
        try:
            port = int(server.stdout.readline())
            url = f"http://127.0.0.1:{port}/health"
            samples = peak_rss.measure(probes, args.spawn, url, args.runs, args.timeout)
        finally:
            server.terminate()
            server.wait()
        summary = peak_rss.summarize(mode, samples)
        worst = max(worst, summary[probes[0][0]]["rss_kib_max"])
        result["modes"][mode] = summary
    return peak_rss.finish(result, probes[0][0], worst, args.out)


if __name__ == "__main__":
    sys.exit(main())
