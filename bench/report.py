#!/usr/bin/env python3
"""Turns the benchmark's raw numbers into docs/BENCHMARKS.md, the target report (stdout) and the
PNG chart.

Nothing here measures: every number comes from bench/results.json (the comparison with curl, wget,
Python and the floor), bench/floods.json and bench/bodies.json (peak RSS against hostile servers
and bodies), so the document can be re-rendered without re-running the benchmark:

    python3 bench/report.py --results bench/results.json --floods bench/floods.json \
      --bodies bench/bodies.json --out docs/BENCHMARKS.md --chart docs/bench.png --keep-chart

(--keep-chart links the chart already there instead of redrawing it, which needs gnuplot.) The
target verdicts are written back into results.json under "targets". With --check nothing is
written: it fails when --out is not what these numbers render to (a hand edit, or numbers committed
without their document). Standard library only.
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
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# What bench/floods.py's flooder sends, endlessly, in each mode (bench/flooder.c).
FLOODS = {
    "header-lines": "header lines",
    "header-line": "one header line",
    "status-line": "a status line",
    "chunk-line": "a chunk-size line",
    "interim": "`100 Continue` responses",
    "body": "a body, no length",
    "chunked-body": "a chunked body",
}
# The 64 KiB bodies of bench/bodies.py, in the shapes that cost a recursive reader or a tree.
BODIES = {
    "deep-status": "`{\"status\": [[[…]]]}`, nested to the limit",
    "deep-object": "an object nested to the limit, then `\"status\": \"fail\"`",
    "many-members": "thousands of tiny members",
    "empty-arrays": "a status of thousands of empty arrays",
    "long-string": "one 64 KiB string",
    "escapes": "escapes and surrogate pairs",
    "python-nan": "`\"status\": \"fail\"`, then `NaN`, `Infinity`",
    "not-utf8": "bytes that are not UTF-8 in a string",
}


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


def link(target, out_dir):
    """A Markdown link to a repository path, relative to the generated document's directory."""
    return f"[{target}]({os.path.relpath(os.path.join(ROOT, target), out_dir)})"


def render_markdown(results, targets, chart_ref, out_dir):
    m, cfg = results["machine"], results["config"]
    h, w = scen(results, "health-responder"), scen(results, "health-webhook")
    lines = [
        f"Measured by `bash bench/run.sh` on {m['date'][:10]}: {m['os']}, {m['nproc']} x {m['cpu']}, "
        f"kernel {m['kernel']}, load average {m['loadavg_start'][0]:.2f} at the start; "
        f"commit {m['git_commit']}. Each tool ran {cfg['runs']} times per scenario after {cfg['warmup']} "
        "warm-up rounds, interleaved round-robin with the others; wall time is spawn to reap, "
        f"median (p95). Raw numbers: {link('bench/results.json', out_dir)}.",
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
        f"![median wall time, peak RSS and size on disk per tool]({chart_ref})",
        "",
        "Notes: every tool gets the same minimal environment (`PATH`, `HOME`, `LC_ALL=C`) and 127.0.0.1 "
        "URLs. healthprobe HTTP-only runs with `--venv none --writable none` (its report still states whether "
        "the root filesystem is read-only, one statvfs; it keeps its deadline with a timer signal, not a "
        "thread). The full check adds `--venv` (a real venv), "
        f"`--require {cfg['require']}` and `--writable /tmp`, which touch files: whether that needs a "
        f"watchdog thread depends on the probe's version and the mounts ({link('bench/STARTUP.md', out_dir)}). "
        "The probe timed is a copy of the linker's output, as a container runs a file from an image layer "
        "(the linker's own file runs 100-200 us slower per exec here, bench/STARTUP.md). busybox wget runs "
        "without `-T`: bookworm's "
        "busybox is built without FEATURE_WGET_TIMEOUT and `wget -T` segfaults there, so an image relying on "
        "`busybox wget -T` reports unhealthy forever. The floor (`bench/floor.c`) reads at most 64 KiB, like "
        "the probe. Peak RSS is `ru_maxrss` from `wait4` in a tiny static launcher (`bench/spawn.c`), since "
        "a child of the Python driver would report the driver's own memory. Python's size counts the "
        "interpreter, its `ldd` closure and the stdlib files the one-liner imports.",
    ]
    return "\n".join(lines)


def exit_cell(stats):
    return ", ".join(str(code) for code in stats["exit_codes"])


def render_rss_table(data, key, labels, first_column):
    """One row per flood mode or body shape, one column group per probe label in the JSON."""
    probes = sorted({label for entry in data[key].values() for label in entry if label != "bytes"})
    head = [first_column]
    for probe in probes:
        suffix = "" if len(probes) == 1 else f" ({probe})"
        head += [f"peak RSS, median (max){suffix}", f"wall, median{suffix}", f"exit{suffix}"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, entry in data[key].items():
        cells = [labels.get(name, name)]
        for probe in probes:
            r = entry.get(probe)
            cells += ([f"{r['rss_kib_median']:.0f} KiB ({r['rss_kib_max']})", f"{r['wall_ms_median']} ms",
                       exit_cell(r)] if r else ["n/a"] * 3)
        lines.append("| " + " | ".join(cells) + " |")
    verdict = "within" if data["worst_rss_kib"] <= data["ceiling_kib"] else "OVER"
    lines += ["", f"Worst peak RSS of the probe under test: {data['worst_rss_kib']} KiB, {verdict} the "
              f"{data['ceiling_kib']} KiB ceiling; {data['runs']} runs each."]
    return lines


def render_document(results, targets, floods, bodies, chart_ref, out_dir):
    lines = [
        "# Benchmarks",
        "",
        "<!-- Generated by bench/report.py (bash bench/run.sh): edit the script or re-run the benchmark, "
        "not this file. -->",
        "",
        "What the probe costs, measured on the machine and commit named below. The hand-written records "
        "next to the scripts say where the time and the bytes go:",
        "",
        f"- {link('bench/STARTUP.md', out_dir)}: where a run's time goes, and what the image's own "
        "configurations (its `ENV`, a worker's check) cost next to a raw-socket floor: the figure the "
        "README quotes.",
        f"- {link('bench/WORKER.md', out_dir)}: a worker container's check (heartbeat, OOM count) next to "
        "Python asking the same.",
        f"- {link('bench/SIZE.md', out_dir)}: what costs the bytes in the static binary, and the cuts tried.",
        f"- {link('bench/HOSTILE.md', out_dir)}: peak RSS against hostile servers and bodies before and "
        "after the response guard and the one-pass body reader.",
        "",
        "## healthprobe, curl, busybox wget, Python and a raw-socket floor",
        "",
        render_markdown(results, targets, chart_ref, out_dir),
    ]
    if floods:
        lines += ["", "## Against servers that never stop sending", "",
                  f"`bench/floods.py` serves each response below endlessly from `bench/flooder.c` to the "
                  f"release probe (`--timeout {floods['timeout']}`) and reads its peak RSS through "
                  f"`bench/spawn.c`. Raw numbers: {link('bench/floods.json', out_dir)}.", ""]
        lines += render_rss_table(floods, "modes", FLOODS, "server sends, endlessly")
    if bodies:
        lines += ["", "## Reading the worst bodies", "",
                  f"`bench/bodies.py` serves health bodies of {bodies['body_bytes'] // KiB} KiB, the most "
                  "the probe reads, in the shapes that cost a recursive reader stack or a document tree "
                  f"memory, and reads the release probe's peak RSS through `bench/spawn.c`. Raw numbers: "
                  f"{link('bench/bodies.json', out_dir)}.", ""]
        lines += render_rss_table(bodies, "shapes", BODIES, "body")
    lines += ["", "## Re-running", "",
              "`bash bench/run.sh` (installs what it needs, builds the release probe and the helpers; "
              "`BENCH_RUNS`, `BENCH_WARMUP`) measures everything above and rewrites "
              "this file, the raw numbers and the chart. `bash bench/startup.sh` and `bash bench/worker.sh` "
              "print the rows of STARTUP.md and WORKER.md, which are written up by hand. To re-render "
              "this file from the committed numbers alone, see `bench/report.py`'s docstring.", ""]
    return "\n".join(lines)


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
    ap.add_argument("--floods", help="bench/floods.py's JSON")
    ap.add_argument("--bodies", help="bench/bodies.py's JSON")
    ap.add_argument("--out", help="the Markdown document to write (docs/BENCHMARKS.md)")
    ap.add_argument("--chart", required=True, help="the PNG chart, drawn with gnuplot and linked from --out")
    ap.add_argument("--keep-chart", action="store_true", help="link the chart already there; do not redraw it")
    ap.add_argument("--check", action="store_true", help="write nothing; fail if --out differs from the rendering")
    ap.add_argument("--work", default="bench/out")
    args = ap.parse_args()
    results = json.load(open(args.results))
    floods = json.load(open(args.floods)) if args.floods else None
    bodies = json.load(open(args.bodies)) if args.bodies else None
    out_dir = os.path.dirname(os.path.abspath(args.out)) if args.out else ROOT
    targets = evaluate_targets(results)
    results["targets"] = targets
    chart_ref = os.path.relpath(os.path.abspath(args.chart), out_dir)
    if args.check:
        if not args.out:
            sys.exit("report: --check needs --out")
        with open(args.out) as f:
            same = f.read() == render_document(results, targets, floods, bodies, chart_ref, out_dir)
        if not same:
            sys.exit(f"report: {args.out} is not what bench/report.py renders from the committed numbers; "
                     "re-render it (see this script's docstring)")
        print(f"report: {args.out} matches the committed numbers")
        return
    with open(args.results, "w") as f:
        json.dump(results, f, indent=1)
        f.write("\n")
    block = render_markdown(results, targets, chart_ref, out_dir)
    print(re.sub(r"!\[.*", "", block))
    print("\nTargets:")
    for t in targets:
        print(f"  [{verdict(t):>12}] {t['target']}: {t['measured']}")
    if args.out:
        with open(args.out, "w") as f:
            f.write(render_document(results, targets, floods, bodies, chart_ref, out_dir))
    if args.keep_chart:
        if not os.path.isfile(args.chart):
            sys.exit(f"report: --keep-chart, but there is no chart at {args.chart}")
    else:
        os.makedirs(args.work, exist_ok=True)
        draw_chart(results, os.path.abspath(args.chart), args.work)


if __name__ == "__main__":
    main()
