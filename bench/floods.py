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
import json
import signal
import statistics
import subprocess
import sys

MODES = ["header-lines", "header-line", "status-line", "chunk-line", "interim", "body", "chunked-body"]
CEILING_KIB = 4 * 1024


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
    env = {"PATH": "/usr/bin:/bin", "LC_ALL": "C"}
    result = {"runs": args.runs, "timeout": args.timeout, "ceiling_kib": CEILING_KIB, "modes": {}}
    worst = 0
    for mode in MODES:
        server = subprocess.Popen([args.flooder, mode], stdout=subprocess.PIPE, text=True,
                                  preexec_fn=die_with_parent)
        try:
            port = int(server.stdout.readline())
            url = f"http://127.0.0.1:{port}/health"
            samples = {label: {"rss_kib": [], "wall_us": [], "exit": []} for label, _ in probes}
            for _ in range(args.runs):
                for label, path in probes:  # interleaved, so drift hits every probe alike
                    out = subprocess.run([args.spawn, path, "--url", url, "--timeout", args.timeout,
                                          "--venv", "none", "--writable", "none"],
                                         env=env, capture_output=True, text=True, timeout=60, check=True)
                    wall_ns, rss_kib, status = (int(x) for x in out.stdout.split())
                    s = samples[label]
                    s["rss_kib"].append(rss_kib)
                    s["wall_us"].append(round(wall_ns / 1000))
                    s["exit"].append(status >> 8 if status & 0x7F == 0 else 128 + (status & 0x7F))
        finally:
            server.terminate()
            server.wait()
        summary = {}
        for label, s in samples.items():
            summary[label] = {"rss_kib_median": statistics.median(s["rss_kib"]), "rss_kib_max": max(s["rss_kib"]),
                              "wall_ms_median": round(statistics.median(s["wall_us"]) / 1000, 1),
                              "exit_codes": sorted(set(s["exit"]))}
            worst = max(worst, max(s["rss_kib"])) if label == probes[0][0] else worst
            print(f"{mode:<13} {label:<8} peak RSS median {summary[label]['rss_kib_median']:>8.0f} KiB, "
                  f"max {summary[label]['rss_kib_max']:>8} KiB, wall {summary[label]['wall_ms_median']:>7} ms, "
                  f"exit {summary[label]['exit_codes']}", flush=True)
        result["modes"][mode] = summary
    result["worst_rss_kib"] = worst
    with open(args.out, "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")
    verdict = "within" if worst <= CEILING_KIB else "OVER"
    print(f"{probes[0][0]}: worst peak RSS {worst} KiB, {verdict} the {CEILING_KIB} KiB ceiling")
    return 0 if worst <= CEILING_KIB else 1


if __name__ == "__main__":
    sys.exit(main())
