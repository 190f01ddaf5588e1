#!/usr/bin/env python3
"""Start-up breakdown of the probe's hot path: where the time goes between a
static no-op and the probe doing one GET, next to the raw-socket floor doing the same GET.

Every command runs through bench/spawn (posix_spawn + wait4, static), every row once per round in a
shuffled order, so machine drift hits every row alike and no row always follows the same one; prints the median and p95 in microseconds and the probe/floor ratio. Rows:
  noop         the floor binary with no arguments (exits 64 at once): exec + static start-up only
  version      healthprobe --version: the probe's own start-up (static init, page faults)
  local        --no-http --venv none --writable none: start-up plus the run machinery, no I/O
  floor-get    the floor doing one GET against bench/responder
  probe-get    healthprobe --url ... --venv none --writable none: the same GET
  get:NAME     with --compare NAME=BINARY: that binary doing the same GET, interleaved with the
               rest (before/after comparisons of two builds on one noisy machine)
With --image (the configurations containers run, from docker/Dockerfile's own ENV and the worker
health check in docker/MIGRATING.md; a real venv stands in for /app/.venv, /dev/null for
/proc/1/fd/1, a private dir in /dev/shm for the state dir):
  +writable    probe-get plus the image's writable dir (/dev/shm)
  +venv        probe-get plus the venv check of a real venv holding the required distribution
  +log         probe-get plus --log-to and its state file, in a steady state (nothing to log)
  image        exactly the image's environment: venv, writable dir, log, state, timeout
  worker       a worker container's health check: --no-http --writable /tmp and a heartbeat glob,
               the image's env
  image:NAME / worker:NAME  the same with each --compare build
  image-floor  with --image-floor BINARY (bench/image_floor.c): the floor's GET plus the system calls
               the image's checks cannot do without, in the image's environment. image minus
               image-floor is what the probe spends beyond what its checks cost the kernel
Usage: startup.py --probe P --floor F --spawn S --responder R [--runs 300] [--json OUT]
                  [--compare NAME=BINARY]... [--image DOCKERFILE --python PYTHON]
                  [--image-floor BINARY]
Every binary is timed as a copy (see installed()). bench/startup.sh builds the helpers and runs this.
Standard library only.
"""
import argparse
import json
import os
import random
import re
import shlex
import shutil
import statistics
import subprocess
import tempfile


def installed(binary, directory):
    """A copy of binary written in one pass with write(2)-family calls, as an image layer's files are.

    Measured here (kernel 6.18, ext4): the file a linker writes (gold writes through mmap) executes
    100-200 us slower per run than a copy of the same bytes, likely from the page-cache layout the
    two ways of writing leave. A container never runs the linker's file, so every timed binary is
    such a copy, the floor and the compared builds included."""
    copy = os.path.join(directory, f"{len(os.listdir(directory))}-{os.path.basename(binary)}")
    shutil.copyfile(binary, copy)
    os.chmod(copy, 0o755)
    return copy


def image_env(dockerfile):
    """The runtime stage's ENV as the image sets it (KEY=VALUE pairs of every ENV instruction)."""
    text = open(dockerfile).read().replace("\\\n", " ")
    env = {}
    for line in text.splitlines():
        if line.startswith("ENV "):
            for pair in shlex.split(line[4:]):
                key, _, value = pair.partition("=")
                env[key] = value
    return env


def bench_venv(python, directory, distributions):
    """A real venv (python -m venv, no pip) holding a minimal dist-info of each distribution."""
    venv = os.path.join(directory, "venv")
    subprocess.run([python, "-m", "venv", "--without-pip", venv], check=True)
    site = next(os.path.join(root, d) for root, dirs, _ in os.walk(os.path.join(venv, "lib"))
                for d in dirs if d == "site-packages")
    for name in distributions:
        folder = re.sub(r"[-_.]+", "_", name) + "-1.0.dist-info"
        os.makedirs(os.path.join(site, folder), exist_ok=True)
        with open(os.path.join(site, folder, "METADATA"), "w") as meta:
            meta.write(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    return venv


def run_once(spawn, argv, env=None):
    out = subprocess.run([spawn, *argv], capture_output=True, text=True, timeout=30, check=True,
                         env=env)
    wall_ns, _rss, status = (int(x) for x in out.stdout.split())
    return wall_ns / 1000, status


scratch = []  # directories to remove when the run ends, however it ends


def image_rows(args, copies, url, port, get_argv):
    """The configurations containers run (module docstring), each also for every --compare build."""
    image = image_env(args.image)
    required = [n for n in image.get("HEALTHPROBE_REQUIRE", "").split(",") if n]
    venv = bench_venv(args.python, copies, required)
    state = tempfile.mkdtemp(prefix="healthprobe-bench-", dir="/dev/shm")
    scratch.append(state)
    env = {key: value for key, value in image.items() if key.startswith("HEALTHPROBE_")}
    env.update(PATH="/usr/bin:/bin", HOME="/nonexistent", PORT=str(port), HEALTHPROBE_VENV=venv,
               VIRTUAL_ENV=venv, HEALTHPROBE_LOG_TO="/dev/null", HEALTHPROBE_STATE_DIR=state)
    plain = {"PATH": "/usr/bin:/bin", "HOME": "/nonexistent"}
    extra = {
        "+writable": ["--writable", image["HEALTHPROBE_WRITABLE"]],
        "+venv": ["--venv", venv, "--require", ",".join(required)],
        "+log": ["--log-to", "/dev/null", "--state-dir", state],
    }
    rows = []
    for name, more in extra.items():
        argv = list(get_argv)
        for flag, value in zip(more[::2], more[1::2]):
            if flag in argv:
                argv[argv.index(flag) + 1] = value
            else:
                argv += [flag, value]
        rows.append((name, argv, 0, plain))
    probes = [("", args.probe)] + [(f":{spec.split('=', 1)[0]}", spec.split("=", 1)[1])
                                   for spec in args.compare]
    # A consumer's heartbeat (one file per process, matched by a glob), fresh for the whole run.
    heartbeat = os.path.join(state, "consumer-1.hb")
    open(heartbeat, "w").close()
    worker = ["--no-http", "--writable", "/tmp", "--heartbeat", os.path.join(state, "consumer-*.hb"),
              "--heartbeat-max-age", "1h"]
    if args.image_floor:
        rows.append(("image-floor", [args.image_floor, "127.0.0.1", str(port), "/health"], 0, env))
    for suffix, binary in probes:
        rows.append((f"image{suffix}", [binary], 0, env))
        rows.append((f"worker{suffix}", [binary, *worker], 0, env))
    return rows


def main():
    ap = argparse.ArgumentParser()
    for name in ("--probe", "--floor", "--spawn", "--responder"):
        ap.add_argument(name, required=True)
    ap.add_argument("--runs", type=int, default=300)
    ap.add_argument("--warmup", type=int, default=20)
    ap.add_argument("--seed", type=int, default=8)
    ap.add_argument("--json")
    ap.add_argument("--compare", action="append", default=[], metavar="NAME=BINARY")
    ap.add_argument("--image", metavar="DOCKERFILE", help="add the image's configurations")
    ap.add_argument("--python", default="/usr/bin/python3", help="makes the bench venv")
    ap.add_argument("--image-floor", metavar="BINARY", help="with --image: the image-floor row")
    args = ap.parse_args()
    if args.image_floor and not args.image:
        ap.error("--image-floor needs --image")

    copies = tempfile.mkdtemp(prefix="startup-")
    args.probe, args.floor = installed(args.probe, copies), installed(args.floor, copies)
    if args.image_floor:
        args.image_floor = installed(args.image_floor, copies)
    args.compare = [f"{name}={installed(binary, copies)}"
                    for name, binary in (spec.split("=", 1) for spec in args.compare)]
    server = subprocess.Popen([args.responder, "0"], stdout=subprocess.PIPE, text=True)
    try:
        port = int(server.stdout.readline().split()[-1])
        url = f"http://127.0.0.1:{port}/health"
        rows = [
            ("noop", [args.floor], 64 << 8),
            ("version", [args.probe, "--version"], 0),
            ("local", [args.probe, "--no-http", "--venv", "none", "--writable", "none"], 0),
            ("floor-get", [args.floor, "127.0.0.1", str(port), "/health"], 0),
            ("probe-get", [args.probe, "--url", url, "--timeout", "2s", "--venv", "none",
                           "--writable", "none"], 0),
        ]
        get_argv = rows[-1][1]
        for spec in args.compare:
            name, binary = spec.split("=", 1)
            rows.append((f"get:{name}", [binary, *get_argv[1:]], 0))
        rows = [(name, argv, expected, None) for name, argv, expected in rows]
        if args.image:
            rows += image_rows(args, copies, url, port, get_argv)
        samples = {name: [] for name, _, _, _ in rows}
        # A fixed order biases the rows: measured here, a row right after floor-get ran ~80 us
        # slower than the same binary two rows later. Each round runs the rows in a fresh random
        # order (seeded: reruns shuffle alike), so no row always follows the same one.
        order = random.Random(args.seed)
        for round_index in range(args.warmup + args.runs):
            for name, argv, expected, env in order.sample(rows, len(rows)):
                micros, status = run_once(args.spawn, argv, env)
                if status != expected:
                    raise SystemExit(f"{name}: wait status {status}, expected {expected}: {argv}")
                if round_index >= args.warmup:
                    samples[name].append(micros)
    finally:
        server.terminate()
        server.wait()
        for directory in [copies, *scratch]:
            shutil.rmtree(directory, ignore_errors=True)

    result = {}
    for name, values in samples.items():
        values.sort()
        result[name] = {"median_us": round(statistics.median(values), 1),
                        "p95_us": round(values[int(len(values) * 0.95) - 1], 1), "n": len(values)}
    for name in samples:
        if name not in ("noop", "floor-get"):
            base = result["noop"] if name.startswith("worker") else result["floor-get"]
            result[name]["over_floor_us"] = round(result[name]["median_us"] - base["median_us"], 1)
    floor, probe = result["floor-get"]["median_us"], result["probe-get"]["median_us"]
    result["probe_minus_floor_us"] = round(probe - floor, 1)
    result["probe_over_floor"] = round(probe / floor, 3)
    for name in samples:
        over = result[name].get("over_floor_us")
        over_text = f"   over its floor {over:7.1f} us" if over is not None else ""
        print(f"{name:12s} median {result[name]['median_us']:8.1f} us   p95 "
              f"{result[name]['p95_us']:8.1f} us{over_text}")
    print(f"probe-get - floor-get = {result['probe_minus_floor_us']} us "
          f"(ratio {result['probe_over_floor']}, target: at most floor + 150 us)")
    if "image-floor" in result:
        for name in (n for n in samples if n.startswith("image") and n != "image-floor"):
            own = round(result[name]["median_us"] - result["image-floor"]["median_us"], 1)
            result[name]["over_image_floor_us"] = own
            print(f"{name} - image-floor = {own} us (what the probe spends beyond its checks' "
                  f"system calls)")
    if args.json:
        with open(args.json, "w") as out:
            json.dump(result, out, indent=2)


if __name__ == "__main__":
    main()
