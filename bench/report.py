#!/usr/bin/env python3
"""Turns bench/results.json into the target report (stdout), the README table and the PNG chart.

Nothing here measures: every number comes from results.json, so the table and the chart can be
re-rendered without re-running the benchmark. The target verdicts are written back into
results.json under "targets". Standard library only; the chart is drawn by Debian's gnuplot.
"""

import argparse
import json
import os
import re
import subprocess
import sys

KiB, MiB = 1024, 1024 * 1024
LABELS = {
    "healthprobe-http": "healthprobe (HTTP only)",
    "healthprobe-full": "healthprobe (HTTP + venv + fs)",
    "curl": "curl -fsS --max-time 2",
    "busybox-wget": "busybox wget -q -O-",
    "python-urllib": "python3 urllib one-liner",
    "floor": "floor (raw-socket C, static)",
}
ORDER = list(LABELS)
SIZE_KEY = {"healthprobe-http": "healthprobe", "healthprobe-full": "healthprobe"}


def scen(results, sid):
    return next((s for s in results["scenarios"] if s["id"] == sid), None)


def med(s, tool, what="wall_us"):
    r = s["results"].get(tool) if s else None
    return r[what]["median"] if r and r[what] else None


def ms(us):
    return "n/a" if us is None else f"{us / 1000:.2f} ms"


def mib(n_bytes):
    return f"{n_bytes / MiB:.2f} MiB"


def tool_size(results, tool):
    sz = results["sizes"].get(SIZE_KEY.get(tool, tool))
    if not sz:
        return None, "n/a"
    if tool == "python-urllib":
        b = sz["bytes_with_modules"]
        return b, (f"{mib(b)} (interpreter + {len(sz['files']) - 1} libs + "
                   f"{sz['modules_loaded']['files']} stdlib files it loads)")
    if sz["static"]:
        return sz["bytes"], f"{mib(sz['bytes'])} (static)"
    return sz["bytes"], f"{mib(sz['bytes'])} (binary + {len(sz['files']) - 1} shared libs)"


def evaluate_targets(results):
    h = scen(results, "health-responder")
    floor, curl, py = med(h, "floor"), med(h, "curl"), med(h, "python-urllib")
    http, full = med(h, "healthprobe-http"), med(h, "healthprobe-full")
    probe_size = results["sizes"].get("healthprobe")
    rss_max = max((v for s in results["scenarios"] for t, r in s["results"].items()
                   if t.startswith("healthprobe") for v in r["samples"]["rss_kib"]), default=None)
    targets = []

    def ratio(name, a, b, limit, what):
        if a is None or b is None:
            targets.append({"target": name, "met": None, "measured": "not measured"})
            return
        r = a / b
        targets.append({"target": name, "met": r <= limit, "ratio": round(r, 3), "limit": limit,
                        "measured": f"{r:.3f}x ({ms(a)} vs {ms(b)}, {what})"})

    ratio("HTTP-only median wall <= 1.5x floor", http, floor, 1.5, "medians, minimal responder")
    ratio("full check median wall <= 2x floor", full, floor, 2.0, "medians, minimal responder")
    ratio("HTTP-only median wall <= 0.25x curl", http, curl, 0.25, "medians, minimal responder")
    ratio("full check median wall <= 0.25x curl", full, curl, 0.25, "medians, minimal responder")
    ratio("HTTP-only median wall <= 0.02x Python", http, py, 0.02, "medians, minimal responder")
    ratio("full check median wall <= 0.02x Python", full, py, 0.02, "medians, minimal responder")
    if rss_max is None:
        targets.append({"target": "peak RSS <= 2 MiB", "met": None, "measured": "not measured"})
    else:
        targets.append({"target": "peak RSS <= 2 MiB", "met": rss_max <= 2 * KiB,
                        "ratio": round(rss_max / (2 * KiB), 3), "limit": 1.0,
                        "measured": f"{rss_max} KiB, the highest of every healthprobe run in every scenario"})
    for name, budget in (("static stripped binary <= 1.5 MiB", 1.5 * MiB), ("aim: binary <= 1 MiB", 1 * MiB)):
        if not probe_size:
            targets.append({"target": name, "met": None, "measured": "not measured"})
            continue
        b = probe_size["bytes"]
        ok = b <= budget and probe_size["static"]
        targets.append({"target": name, "met": ok, "ratio": round(b / budget, 3), "limit": 1.0,
                        "measured": f"{b} bytes = {mib(b)}, {b / budget:.3f}x the budget"
                                    + ("" if probe_size["static"] else ", NOT static")})
    return targets


def verdict(t):
    return "not measured" if t["met"] is None else ("met" if t["met"] else "MISSED")


def render_markdown(results, targets):
    m, cfg = results["machine"], results["config"]
    h, w = scen(results, "health-responder"), scen(results, "health-webhook")
    lines = [
        f"Measured by `bash bench/run.sh` on {m['date'][:10]}: {m['os']}, {m['nproc']} x {m['cpu']}, "
        f"kernel {m['kernel']}, load average {m['loadavg_start'][0]:.2f} at the start; "
        f"commit {m['git_commit']}. Each tool ran {cfg['runs']} times per scenario after {cfg['warmup']} "
        "warm-up rounds, interleaved round-robin with the others; wall time is spawn to reap, "
        "median (p95). Raw numbers: `bench/results.json`.",
        "",
    ]
    if max(m["loadavg_start"][0], m.get("loadavg_end", [0])[0]) > m["nproc"]:
        lines += [f"**Caution:** the load average ({m['loadavg_start'][0]:.1f} at the start, "
                  f"{m.get('loadavg_end', [0])[0]:.1f} at the end) exceeded the {m['nproc']} CPUs: other work "
                  "competed with this run, so absolute times and p95s are inflated and noisy. Interleaving "
                  "spreads that noise over every tool alike; re-run on an idle machine for the record.", ""]
    lines += [
        "| tool | wall, minimal responder | wall, stand-in webhook | peak RSS, median (max) | size on disk |",
        "|---|---|---|---|---|",
    ]
    for tool in ORDER:
        r = h["results"].get(tool) if h else None
        if not r:
            continue
        rw = w["results"].get(tool) if w else None
        cell = lambda x: f"{ms(x['wall_us']['median'])} ({ms(x['wall_us']['p95'])})" if x and x["wall_us"] else "failed"
        rss = r["rss_kib"]
        rss_s = f"{rss['median'] / KiB:.2f} MiB ({rss['max'] / KiB:.2f})" if rss else "n/a"
        lines.append(f"| {LABELS[tool]} | {cell(r)} | {cell(rw)} | {rss_s} | {tool_size(results, tool)[1]} |")
    fails = [f"{LABELS.get(t, t)} in '{s['title']}' failed {r['failures']} of its runs: {r['first_failure']}"
             for s in results["scenarios"] for t, r in s["results"].items() if r["failures"]]
    if fails:
        lines += ["", "Failures: " + "; ".join(fails)]

    bodies = [scen(results, f"body-{n}") for n in (1024, 64 * KiB, 10 * MiB)]
    lines += ["", "Cost as the body grows (median wall, minimal responder):", "",
              "| tool | 1 KiB | 64 KiB | 10 MiB | peak RSS at 10 MiB |", "|---|---|---|---|---|"]
    for tool in ORDER:
        if bodies[0] and tool in bodies[0]["results"]:
            big = bodies[2]["results"][tool]["rss_kib"] if bodies[2] else None
            big_s = f"{big['median'] / KiB:.2f} MiB" if big else "n/a"
            lines.append(f"| {LABELS[tool]} | " + " | ".join(ms(med(b, tool)) for b in bodies) + f" | {big_s} |")
    v = scen(results, "venv-require")
    if v:
        venvs = results["venvs"]
        lines += ["", f"Cost as the venv grows (`--require {cfg['require']}`, median wall; "
                  f"real `python3 -m venv` venvs plus 10 or 1000 minimal `*.dist-info` dirs holding only "
                  f"METADATA: {venvs['10']['dist_info_dirs']} and {venvs['1000']['dist_info_dirs']} "
                  "dist-info dirs in all):", "",
                  "| tool | 10 distributions | 1000 distributions |", "|---|---|---|"]
        for name, prefix in (("healthprobe --no-http --venv V --require ...", "healthprobe-venv"),
                             ("V/bin/python importlib.metadata.distribution(...)", "python-importlib")):
            if f"{prefix}-10" in v["results"]:
                lines.append(f"| {name} | {ms(med(v, f'{prefix}-10'))} | {ms(med(v, f'{prefix}-1000'))} |")

    lines += ["", "Targets, from this run:", "", "| target | measured | verdict |", "|---|---|---|"]
    for t in targets:
        lines.append(f"| {t['target']} | {t['measured']} | {verdict(t)} |")
    lines += [
        "",
        "![median wall time, peak RSS and size on disk per tool](docs/bench.png)",
        "",
        "Notes: every tool gets the same minimal environment (`PATH`, `HOME`, `LC_ALL=C`) and 127.0.0.1 "
        "URLs. healthprobe HTTP-only runs with `--venv none --writable none` (its report still states whether "
        "the root filesystem is read-only, one statvfs; it keeps its deadline with a timer signal, not a "
        "thread). The full check adds `--venv` (a real venv), "
        f"`--require {cfg['require']}` and `--writable /tmp`, and a watchdog thread. The probe timed is a "
        "copy of the linker's output, as a container runs a file from an image layer (the linker's own "
        "file runs 100-200 us slower per exec here, bench/STARTUP.md). busybox wget runs without `-T`: bookworm's "
        "busybox is built without FEATURE_WGET_TIMEOUT and `wget -T` segfaults there, so an image relying on "
        "`busybox wget -T` reports unhealthy forever. The floor (`bench/floor.c`) reads at most 64 KiB, like "
        "the probe. Peak RSS is `ru_maxrss` from `wait4` in a tiny static launcher (`bench/spawn.c`), since "
        "a child of the Python driver would report the driver's own memory. Python's size counts the "
        "interpreter, its `ldd` closure and the stdlib files the one-liner imports.",
    ]
    return "\n".join(lines)


def update_readme(path, block):
    text = open(path).read()
    begin, end = "<!-- bench:begin -->", "<!-- bench:end -->"
    if begin not in text or end not in text:
        sys.exit(f"report: {path} lacks the {begin} / {end} markers")
    pre, rest = text.split(begin, 1)
    _, post = rest.split(end, 1)
    with open(path, "w") as f:
        f.write(f"{pre}{begin}\n{block}\n{end}{post}")


def draw_chart(results, chart, work):
    h, w = scen(results, "health-responder"), scen(results, "health-webhook")
    rows = []
    for tool in ORDER:
        if h and tool in h["results"] and h["results"][tool]["wall_us"]:
            r = h["results"][tool]
            rw = med(w, tool)
            size = tool_size(results, tool)[0]
            rows.append((LABELS[tool].replace(" (", "\\n("), r["wall_us"]["median"] / 1000,
                         (rw or 0) / 1000, r["rss_kib"]["median"] / KiB, (size or 0) / MiB))
    dat = os.path.join(work, "chart.dat")
    with open(dat, "w") as f:
        for label, a, b, rss, size in rows:
            f.write(f'"{label}" {a:.4f} {b:.4f} {rss:.4f} {size:.4f}\n')
    m = results["machine"]
    script = f"""
set terminal pngcairo size 1500,560 font "DejaVu Sans,10"
set output "{chart}"
set multiplot layout 1,3 title "healthprobe vs curl, busybox wget, Python urllib and a raw-socket floor: {m['date'][:10]}, {m['nproc']} x {m['cpu']}, {results['config']['runs']} interleaved runs each, medians" font ",12"
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set xtics rotate by -40 left font ",8" nomirror
set grid ytics
set key top left
set bmargin 8
set title "wall time per probe (ms, log scale)"
set logscale y
set yrange [0.5:*]
plot "{dat}" using 2:xtic(1) title "minimal responder" lc rgb "#3b6ea5", \\
     "" using 3 title "stand-in webhook" lc rgb "#e3a33b", \\
     "" using ($0-0.15):($2*1.15):(sprintf("%.1f",$2)) with labels font ",8" notitle
unset logscale y
set yrange [0:*]
set title "peak RSS of the probe process (MiB)"
set arrow 1 from graph 0, first 2 to graph 1, first 2 nohead dt 2 lw 1.5 lc rgb "#c03030"
set label 1 "target: 2 MiB" at graph 0.98, first 2 right offset 0,0.6 font ",8" tc rgb "#c03030"
plot "{dat}" using 4:xtic(1) title "median ru\\\\_maxrss" lc rgb "#5a9e5a", \\
     "" using 0:($4+0.4):(sprintf("%.1f",$4)) with labels font ",8" notitle
unset arrow 1
unset label 1
set title "size on disk (MiB, log scale): static binary, or binary + ldd closure"
set arrow 2 from graph 0, first 1.5 to graph 1, first 1.5 nohead dt 2 lw 1.5 lc rgb "#c03030"
set label 2 "budget: 1.5 MiB" at graph 0.98, first 1.5 right offset 0,0.6 font ",8" tc rgb "#c03030"
set logscale y
set yrange [0.1:*]
plot "{dat}" using 5:xtic(1) title "bytes on disk" lc rgb "#a05a9e", \\
     "" using 0:($5*1.2):(sprintf("%.2f",$5)) with labels font ",8" notitle
unset multiplot
"""
    subprocess.run(["gnuplot"], input=script, text=True, check=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--results", required=True)
    ap.add_argument("--readme")
    ap.add_argument("--chart")
    ap.add_argument("--work", default="bench/out")
    args = ap.parse_args()
    results = json.load(open(args.results))
    targets = evaluate_targets(results)
    results["targets"] = targets
    with open(args.results, "w") as f:
        json.dump(results, f, indent=1)
        f.write("\n")
    block = render_markdown(results, targets)
    print(re.sub(r"!\[.*", "", block))
    print("\nTargets:")
    for t in targets:
        print(f"  [{verdict(t):>12}] {t['target']}: {t['measured']}")
    if args.readme:
        update_readme(args.readme, block)
    if args.chart:
        os.makedirs(args.work, exist_ok=True)
        draw_chart(results, os.path.abspath(args.chart), args.work)


if __name__ == "__main__":
    main()
