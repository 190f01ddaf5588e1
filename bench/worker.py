#!/usr/bin/env python3
"""What a worker container's health check costs: healthprobe's heartbeat and OOM-kill checks next to
a Python one-liner doing the same, `python3 -c` importing a module of the service, and the floor of
a no-op static exec. Method as bench/startup.py: every command through bench/spawn (posix_spawn +
wait4, static), every row once per round in a seeded random order, medians and p95 in microseconds,
every binary timed as a copy. Rows:
  noop            the floor binary with no arguments: exec + a static binary's start-up
  local           healthprobe --no-http --venv none --writable none --no-oom: the run machinery
  heartbeat       + HEALTHPROBE_HEARTBEAT=/dev/shm/DIR/consumer-*.hb (two fresh files), OOM off
  oom             + the OOM-kill count of the probe's memory cgroup, no heartbeat
  worker          heartbeat + OOM, configured through the environment alone (the target row)
  worker+tmp      worker plus the default writable /tmp check, whose watchdog thread it then needs
  python-check    python3 -c: the same glob and freshness, and the same OOM count from the cgroup
  python-import   python3 -c "import src.app" in the stand-in's directory (a stdlib-only module)
The target: worker's median at most noop's median + 100 us.
Usage: worker.py --probe P --floor F --spawn S --webhook-dir D [--runs 300] [--json OUT]
Standard library only.
"""
import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import tempfile
import time

# The Python way of asking the same questions: the heartbeat glob's fresh files (60 s), and the
# OOM-kill count of this process's memory cgroup at the usual mount (v1 memory line, else v2).
PYTHON_CHECK = (
    "import glob,os,sys,time;n=time.time();"
    "f=sum(n-os.stat(p).st_mtime<=60 for p in glob.glob(sys.argv[1]));"
    "l=[x.rstrip('\\n').split(':',2) for x in open('/proc/self/cgroup')];"
    "m=[x for x in l if 'memory' in x[1].split(',')];"
    "d='/sys/fs/cgroup/memory'+m[0][2]+'/memory.oom_control' if m else "
    "'/sys/fs/cgroup'+[x for x in l if x[0]=='0'][0][2]+'/memory.events';"
    "k=int([x.split()[1] for x in open(d) if x.startswith('oom_kill ')][0]);"
    "sys.exit(0 if f>=1 else 1)"
)


def installed(binary, directory):
    """A copy written with write(2), as an image layer's files are (bench/STARTUP.md says why)."""
    copy = os.path.join(directory, f"{len(os.listdir(directory))}-{os.path.basename(binary)}")
    shutil.copyfile(binary, copy)
    os.chmod(copy, 0o755)
    return copy


def run_once(spawn, argv, env, cwd):
    out = subprocess.run([spawn, *argv], capture_output=True, text=True, timeout=30, check=True,
                         env=env, cwd=cwd)
    wall_ns, _rss, status = (int(x) for x in out.stdout.split())
    return wall_ns / 1000, status


def main():
    ap = argparse.ArgumentParser()
    for name in ("--probe", "--floor", "--spawn", "--webhook-dir"):
        ap.add_argument(name, required=True)
    ap.add_argument("--python", default="/usr/bin/python3")
    ap.add_argument("--runs", type=int, default=300)
    ap.add_argument("--warmup", type=int, default=20)
    ap.add_argument("--seed", type=int, default=17)
    ap.add_argument("--json")
    args = ap.parse_args()

    copies = tempfile.mkdtemp(prefix="worker-bench-")
    beats = tempfile.mkdtemp(prefix="healthprobe-bench-", dir="/dev/shm")
    try:
        probe, floor = installed(args.probe, copies), installed(args.floor, copies)
        files = [os.path.join(beats, f"consumer-{i}.hb") for i in (1, 2)]
        for path in files:
            open(path, "w").close()
        glob_path = os.path.join(beats, "consumer-*.hb")
        base = {"PATH": "/usr/bin:/bin", "HOME": "/nonexistent", "LC_ALL": "C"}
        worker = dict(base, HEALTHPROBE_URL="none", HEALTHPROBE_VENV="none",
                      HEALTHPROBE_WRITABLE="none", HEALTHPROBE_HEARTBEAT=glob_path)
        local = [probe, "--no-http", "--venv", "none", "--writable", "none", "--no-oom"]
        rows = [
            ("noop", [floor], base, None, 64 << 8),
            ("local", local, base, None, 0),
            ("heartbeat", [probe], dict(worker, HEALTHPROBE_OOM="off"), None, 0),
            ("oom", [probe, "--heartbeat", "none"], worker, None, 0),
            ("worker", [probe], worker, None, 0),
            ("worker+tmp", [probe], dict(worker, HEALTHPROBE_WRITABLE="/tmp"), None, 0),
            ("python-check", [args.python, "-c", PYTHON_CHECK, glob_path], base, None, 0),
            ("python-import", [args.python, "-c", "import src.app"], base, args.webhook_dir, 0),
        ]
        samples = {name: [] for name, *_ in rows}
        order = random.Random(args.seed)
        for round_index in range(args.warmup + args.runs):
            now = time.time()
            for path in files:
                os.utime(path, (now, now))  # the workers' loops, still turning
            for name, argv, env, cwd, expected in order.sample(rows, len(rows)):
                micros, status = run_once(args.spawn, argv, env, cwd)
                if status != expected:
                    raise SystemExit(f"{name}: wait status {status}, expected {expected}: {argv}")
                if round_index >= args.warmup:
                    samples[name].append(micros)
    finally:
        shutil.rmtree(copies, ignore_errors=True)
        shutil.rmtree(beats, ignore_errors=True)

    result = {}
    for name, values in samples.items():
        values.sort()
        result[name] = {"median_us": round(statistics.median(values), 1),
                        "p95_us": round(values[int(len(values) * 0.95) - 1], 1), "n": len(values)}
    noop = result["noop"]["median_us"]
    for name in samples:
        median = result[name]["median_us"]
        print(f"{name:14s} median {median:9.1f} us   p95 {result[name]['p95_us']:9.1f} us   "
              f"- noop {median - noop:+9.1f} us")
    gap = round(result["worker"]["median_us"] - noop, 1)
    result["worker_minus_noop_us"] = gap
    result["target_met"] = gap <= 100
    print(f"worker - noop = {gap} us (target: at most 100 us): {'met' if gap <= 100 else 'MISSED'}")
    if args.json:
        with open(args.json, "w") as out:
            json.dump(result, out, indent=2)
            out.write("\n")


if __name__ == "__main__":
    main()
