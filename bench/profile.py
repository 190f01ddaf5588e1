#!/usr/bin/env python3
"""Where a run's time goes, by kernel entry: the floor's GET beside the image's own run.

Samples the CPU (perf record -e cpu-clock -g) over RUNS back-to-back runs of each command and sorts
every sample of the command's own process by what it was doing: user space, a page fault, exec, exit,
or the system call it was in (by the __x64_sys_/__do_sys_ frame of its kernel stack). Prints µs per
run for each bucket, side by side, with the difference. Sampling slows a run down (a sample every
50 µs), so the figures run about a quarter above the wall times bench/startup.py measures: read them
as shares. Needs perf and root (kernel call stacks). Standard library only.

Usage: profile.py --probe P --floor F --responder R [--runs 3000] [--image DOCKERFILE]
bench/profile.sh builds the helpers and runs this.
"""
import argparse
import collections
import os
import re
import shutil
import subprocess
import tempfile

import startup  # bench/startup.py: the image's ENV and the bench venv, made the same way

FREQUENCY = 20000  # samples per second: one per 50 µs
SYSCALL = re.compile(r"(?:__(?:x64|do)_sys_|ksys_)(\w+)")


def bucket(frames):
    """What one sample was doing, from its stack (leaf first), each frame "ADDRESS SYMBOL"."""
    if not frames or not frames[0].split()[0].startswith("ffffffff"):
        return "user space"
    for frame in frames:
        symbol = frame.split()[1] if len(frame.split()) > 1 else ""
        match = SYSCALL.match(symbol)
        if match:
            return "sys " + match.group(1)
        if symbol in ("exc_page_fault", "asm_exc_page_fault"):
            return "page faults"
        if symbol in ("load_elf_binary", "bprm_execve", "begin_new_exec"):
            return "exec"
        if symbol.startswith("do_exit") or symbol == "do_group_exit":
            return "exit"
    return "other kernel"


def profile(argv, runs, env, scratch):
    """µs per run in each bucket, for argv run `runs` times in a row."""
    data = os.path.join(scratch, "perf.data")
    loop = 'i=0; while [ "$i" -lt "$0" ]; do "$@" >/dev/null; i=$((i+1)); done'
    subprocess.run(["perf", "record", "-q", "-o", data, "-e", "cpu-clock", "-F", str(FREQUENCY),
                    "-g", "--", "sh", "-c", loop, str(runs), *argv],
                   check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    script = subprocess.run(["perf", "script", "-i", data, "--comm", os.path.basename(argv[0]),
                             "-F", "ip,sym"], check=True, capture_output=True, text=True).stdout
    counts = collections.Counter()
    frames = []
    for line in script.splitlines() + [""]:
        if line.strip():
            frames.append(line.strip())
        elif frames:
            counts[bucket(frames)] += 1
            frames = []
    return {name: count * 1e6 / FREQUENCY / runs for name, count in counts.items()}


def main():
    ap = argparse.ArgumentParser()
    for name in ("--probe", "--floor", "--responder"):
        ap.add_argument(name, required=True)
    ap.add_argument("--runs", type=int, default=3000)
    ap.add_argument("--image", required=True, metavar="DOCKERFILE")
    ap.add_argument("--python", default="/usr/bin/python3", help="makes the bench venv")
    args = ap.parse_args()
    scratch = tempfile.mkdtemp(prefix="profile-")
    server = subprocess.Popen([args.responder, "0"], stdout=subprocess.PIPE, text=True)
    try:
        port = int(server.stdout.readline().split()[-1])
        probe, floor = startup.installed(args.probe, scratch), startup.installed(args.floor, scratch)
        image = startup.image_env(args.image)
        required = [n for n in image.get("HEALTHPROBE_REQUIRE", "").split(",") if n]
        venv = startup.bench_venv(args.python, scratch, required)
        state = tempfile.mkdtemp(prefix="healthprobe-profile-", dir="/dev/shm")
        startup.scratch.append(state)
        env = {key: value for key, value in image.items() if key.startswith("HEALTHPROBE_")}
        env.update(PATH="/usr/bin:/bin", HOME="/nonexistent", PORT=str(port), HEALTHPROBE_VENV=venv,
                   VIRTUAL_ENV=venv, HEALTHPROBE_LOG_TO="/dev/null", HEALTHPROBE_STATE_DIR=state)
        floor_get = profile([floor, "127.0.0.1", str(port), "/health"], args.runs, env, scratch)
        image_run = profile([probe], args.runs, env, scratch)
    finally:
        server.terminate()
        server.wait()
        for directory in [scratch, *startup.scratch]:
            shutil.rmtree(directory, ignore_errors=True)
    print(f"µs per run under sampling ({args.runs} runs each)   floor-get    image    difference")
    names = sorted(set(floor_get) | set(image_run),
                   key=lambda n: -(image_run.get(n, 0) - floor_get.get(n, 0)))
    for name in names:
        a, b = floor_get.get(name, 0.0), image_run.get(name, 0.0)
        if max(a, b) >= 0.5:
            print(f"  {name:44s} {a:9.1f} {b:8.1f} {b - a:+10.1f}")
    print(f"  {'total':44s} {sum(floor_get.values()):9.1f} {sum(image_run.values()):8.1f} "
          f"{sum(image_run.values()) - sum(floor_get.values()):+10.1f}")


if __name__ == "__main__":
    main()
