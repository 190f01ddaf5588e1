"""What bench/floods.py and bench/bodies.py share: run every probe against one server, interleaved,
through bench/spawn (which reads the probe's own ru_maxrss with wait4; spawn.c says why), summarise
each probe's peak RSS, wall time and exit codes, and judge the first probe against the 4 MiB
ceiling. Standard library only.
"""

import json
import statistics
import subprocess

CEILING_KIB = 4 * 1024
ENV = {"PATH": "/usr/bin:/bin", "LC_ALL": "C"}


def measure(probes, spawn, url, runs, timeout):
    """{label: {rss_kib, wall_us, exit}} from `runs` rounds of every (label, path) in probes."""
    samples = {label: {"rss_kib": [], "wall_us": [], "exit": []} for label, _ in probes}
    for _ in range(runs):
        for label, path in probes:  # interleaved, so drift hits every probe alike
            out = subprocess.run([spawn, path, "--url", url, "--timeout", timeout,
                                  "--venv", "none", "--writable", "none"],
                                 env=ENV, capture_output=True, text=True, timeout=60, check=True)
            wall_ns, rss_kib, status = (int(x) for x in out.stdout.split())
            s = samples[label]
            s["rss_kib"].append(rss_kib)
            s["wall_us"].append(round(wall_ns / 1000))
            s["exit"].append(status >> 8 if status & 0x7F == 0 else 128 + (status & 0x7F))
    return samples


def summarize(name, samples):
    """One summary per probe, printed as a table row each."""
    summary = {}
    for label, s in samples.items():
        summary[label] = {"rss_kib_median": statistics.median(s["rss_kib"]), "rss_kib_max": max(s["rss_kib"]),
                          "wall_ms_median": round(statistics.median(s["wall_us"]) / 1000, 1),
                          "exit_codes": sorted(set(s["exit"]))}
        print(f"{name:<13} {label:<8} peak RSS median {summary[label]['rss_kib_median']:>8.0f} KiB, "
              f"max {summary[label]['rss_kib_max']:>8} KiB, wall {summary[label]['wall_ms_median']:>7} ms, "
              f"exit {summary[label]['exit_codes']}", flush=True)
    return summary


def finish(result, label, worst, out_path):
    """Writes the JSON, says whether the first probe stayed within the ceiling; the exit status."""
    result["worst_rss_kib"] = worst
    with open(out_path, "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")
    verdict = "within" if worst <= CEILING_KIB else "OVER"
    print(f"{label}: worst peak RSS {worst} KiB, {verdict} the {CEILING_KIB} KiB ceiling")
    return 0 if worst <= CEILING_KIB else 1
