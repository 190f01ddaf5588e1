#!/usr/bin/env python3
"""Benchmark driver: runs every tool against local servers, interleaved, and writes results.json.

Each scenario runs its tools round-robin (A B C ... A B C ...) so slow drift of the machine (other
builds, CPU frequency, page cache) hits every tool alike; the first rounds are a warm-up and are
thrown away. Every run goes through bench/spawn (a tiny static launcher) which times it and reads
its peak RSS with wait4(): the Python driver cannot read ru_maxrss itself, because Linux charges a
child with the address space it had before exec, i.e. this interpreter's ~8 MiB.

All servers listen on 127.0.0.1 only, are started here and are killed when this script exits,
whatever the reason (finally + PR_SET_PDEATHSIG). Standard library only.
"""

import argparse
import ctypes
import datetime
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time

MiB = 1024 * 1024
PY_ONE_LINER = "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2).read()"
# What an image without a probe binary runs to check that its dependencies are installed.
PY_REQUIRE = ("import sys, importlib.metadata as m; "
              "[m.distribution(n) for n in sys.argv[1].split(',')]")
REQUIRE = "pip,bench-dist-0007"  # present in both venvs; the second is spelled unlike its dir name

servers = []


def die_with_parent():
    """preexec_fn: the kernel sends SIGTERM to a server if this driver dies, even by SIGKILL."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def start_server(argv, cwd=None, env=None, port_re=r"(\d+)\s*$"):
    proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True, preexec_fn=die_with_parent)
    servers.append(proc)
    line = proc.stdout.readline()  # both servers print their port once they listen
    m = re.search(port_re, line)
    if not m:
        raise RuntimeError(f"{argv[0]} did not report a port: {line!r}")
    return int(m.group(1))


def stop_servers():
    for proc in servers:
        if proc.poll() is None:
            proc.terminate()
    for proc in servers:
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()


def run_once(spawn, argv, env):
    out = subprocess.run([spawn, *argv], env=env, capture_output=True, text=True, timeout=30, check=True)
    wall_ns, rss_kib, status = (int(x) for x in out.stdout.split())
    return wall_ns, rss_kib, status


def diagnose(argv, env):
    """Re-run a failing command with its output visible, for the log."""
    p = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=30)
    return f"exit {p.returncode}; stderr: {p.stderr.strip()[:300]!r}; stdout: {p.stdout.strip()[:200]!r}"


def summarize(values):
    values = sorted(values)
    if not values:
        return None
    n = len(values)
    p95 = values[min(n - 1, max(0, -(-95 * n // 100) - 1))]  # nearest rank
    return {"median": statistics.median(values), "p95": p95, "min": values[0], "max": values[-1],
            "mean": statistics.fmean(values), "n": n}


def measure_tools(tools, spawn, env, runs, warmup, log):
    """tools: [(tool_id, argv, extra_env)]. Round-robin over the tools, warmup rounds discarded."""
    samples = {t[0]: {"wall_us": [], "rss_kib": [], "failures": 0, "first_failure": None} for t in tools}
    t0 = time.monotonic()
    for rnd in range(warmup + runs):
        for tool_id, argv, extra in tools:
            tool_env = {**env, **extra}
            wall_ns, rss_kib, status = run_once(spawn, argv, tool_env)
            s = samples[tool_id]
            if status != 0:  # a failed probe's time means nothing: count it, keep its reason
                s["failures"] += 1
                if s["first_failure"] is None:
                    s["first_failure"] = f"wait status {status}: " + diagnose(argv, tool_env)
                continue
            if rnd >= warmup:
                s["wall_us"].append(round(wall_ns / 1000, 1))
                s["rss_kib"].append(rss_kib)
    out = {}
    for tool_id, argv, extra in tools:
        s = samples[tool_id]
        w, rss = summarize(s["wall_us"]), summarize(s["rss_kib"])
        out[tool_id] = {"argv": argv, "env": extra, "wall_us": w, "rss_kib": rss, "failures": s["failures"],
                        "first_failure": s["first_failure"], "samples": {"wall_us": s["wall_us"],
                                                                         "rss_kib": s["rss_kib"]}}
        med = f"{w['median'] / 1000:8.3f} ms (p95 {w['p95'] / 1000:.3f})" if w else "     n/a"
        rss_s = f"  rss {rss['median']:.0f} KiB" if rss else ""
        fail = f"  FAILED {s['failures']}x: {s['first_failure']}" if s["failures"] else ""
        log(f"  {tool_id:<22} {med}{rss_s}{fail}")
    log(f"  ({time.monotonic() - t0:.1f} s)")
    return out


def make_venv(python, path, fake_dists):
    """A real venv from `python3 -m venv`, plus fake_dists minimal *.dist-info dirs (METADATA only)."""
    shutil.rmtree(path, ignore_errors=True)
    subprocess.run([python, "-m", "venv", path], check=True)
    ver = subprocess.run([os.path.join(path, "bin", "python"), "-c",
                          "import sys; print(f'{sys.version_info[0]}.{sys.version_info[1]}')"],
                         check=True, capture_output=True, text=True).stdout.strip()
    site = os.path.join(path, "lib", f"python{ver}", "site-packages")
    for i in range(fake_dists):
        # Directory spelled like a wheel would (underscores, capitals); the name inside is the canonical one.
        d = os.path.join(site, f"Bench_Dist_{i:04d}-1.0.dist-info")
        os.makedirs(d)
        with open(os.path.join(d, "METADATA"), "w") as f:
            f.write(f"Metadata-Version: 2.1\nName: bench-dist-{i:04d}\nVersion: 1.0\n")
    return {"path": path, "fake_dists": fake_dists,
            "dist_info_dirs": sum(1 for n in os.listdir(site) if n.endswith(".dist-info"))}


def file_size(path):
    return os.stat(os.path.realpath(path)).st_size


def ldd_closure(path):
    """The binary plus every shared library ldd lists (resolved through symlinks)."""
    out = subprocess.run(["ldd", path], capture_output=True, text=True)
    files = [os.path.realpath(path)]
    if out.returncode == 0:
        for line in out.stdout.splitlines():
            m = re.search(r"(/\S+) \(0x", line)
            if m:
                files.append(os.path.realpath(m.group(1)))
    files = sorted(set(files), key=files.index)
    return {"static": len(files) == 1, "files": files, "bytes": sum(file_size(f) for f in files)}


def python_modules_loaded(python, url, env):
    """Files the urllib one-liner actually imports (sources, their .pyc, extension modules)."""
    code = PY_ONE_LINER + ("\nimport os\nfs = set()\nfor m in list(sys.modules.values()):\n"
                           "    for a in ('__file__', '__cached__'):\n"
                           "        f = getattr(m, a, None)\n"
                           "        if f and os.path.exists(f): fs.add(os.path.realpath(f))\n"
                           "print('\\n'.join(sorted(fs)))")
    out = subprocess.run([python, "-c", code, url], env=env, capture_output=True, text=True, check=True)
    files = [f for f in out.stdout.splitlines() if f]
    return {"files": len(files), "bytes": sum(os.stat(f).st_size for f in files)}


def first_line(argv):
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=10)
        return (out.stdout or out.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.TimeoutExpired):
        return None


def machine_info(args):
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")),
               platform.processor())
    osr = dict(line.rstrip().split("=", 1) for line in open("/etc/os-release") if "=" in line)
    git = lambda *a: subprocess.run(["git", *a], cwd=args.repo, capture_output=True, text=True).stdout.strip()
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "kernel": platform.release(),
        "os": osr.get("PRETTY_NAME", "").strip('"'),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "loadavg_start": os.getloadavg(),
        "git_commit": git("rev-parse", "--short", "HEAD") + (" (dirty)" if git("status", "--porcelain") else ""),
        "versions": {
            "healthprobe": first_line([args.probe, "--version"]) if args.probe else None,
            "curl": first_line(["curl", "--version"]),
            "busybox": first_line([args.busybox]),
            "python": first_line([args.python, "--version"]),
            "cc": first_line(["cc", "--version"]),
        },
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--probe", help="release healthprobe binary (omit to bench the other tools only)")
    ap.add_argument("--floor", required=True)
    ap.add_argument("--spawn", required=True)
    ap.add_argument("--responder", required=True)
    ap.add_argument("--webhook-dir", required=True, help="docker/standin")
    ap.add_argument("--python", default="/usr/bin/python3")
    ap.add_argument("--curl", default="/usr/bin/curl")
    ap.add_argument("--busybox", default=shutil.which("busybox") or "/bin/busybox")
    ap.add_argument("--work", required=True, help="scratch dir (venvs, HOME)")
    ap.add_argument("--repo", default=".")
    ap.add_argument("--out", required=True)
    ap.add_argument("--runs", type=int, default=100)
    ap.add_argument("--warmup", type=int, default=5)
    args = ap.parse_args()
    if args.runs < 30:
        ap.error("--runs must be at least 30")

    def log(msg):
        print(msg, flush=True)

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    args.work = os.path.abspath(args.work)
    os.makedirs(args.work, exist_ok=True)
    home = os.path.join(args.work, "home")
    os.makedirs(home, exist_ok=True)
    # Every tool gets the same small, explicit environment; nothing from the caller's shell leaks in.
    env = {"PATH": "/usr/bin:/bin", "HOME": home, "LC_ALL": "C"}

    result = {"machine": machine_info(args), "config": {"runs": args.runs, "warmup": args.warmup,
                                                         "env": env, "require": REQUIRE}}
    try:
        log("venvs: python3 -m venv, then fake *.dist-info dirs")
        venvs = {n: make_venv(args.python, os.path.join(args.work, f"venv-{n}"), n) for n in (10, 1000)}
        result["venvs"] = venvs
        v10 = venvs[10]["path"]

        responder = start_server([args.responder, "0"])
        webhook_env = {**env, "HOST": "127.0.0.1", "PORT": "0"}
        webhook = start_server([args.python, "-m", "src.app"], cwd=args.webhook_dir, env=webhook_env)
        body_ports = {size: start_server([args.responder, "0", str(size)]) for size in (1024, 64 * 1024, 10 * MiB)}

        def tools_for(port, path="/health", with_full=True):
            url = f"http://127.0.0.1:{port}{path}"
            t = []
            if args.probe:
                # HTTP only: venv and writable-dir checks off (the root-filesystem read-only report still runs).
                t.append(("healthprobe-http", [args.probe, "--url", url, "--timeout", "2s", "--venv", "none",
                                               "--writable", "none"], {}))
                if with_full:
                    t.append(("healthprobe-full", [args.probe, "--url", url, "--timeout", "2s", "--venv", v10,
                                                   "--require", REQUIRE, "--writable", "/tmp"], {}))
            t += [
                ("curl", [args.curl, "-fsS", "--max-time", "2", url], {}),
                # No -T: Debian bookworm's busybox is built without FEATURE_WGET_TIMEOUT and -T segfaults.
                ("busybox-wget", [args.busybox, "wget", "-q", "-O-", url], {}),
                ("python-urllib", [args.python, "-c", PY_ONE_LINER, url], {}),
                ("floor", [args.floor, "127.0.0.1", str(port), path], {}),
            ]
            return t

        scenarios = []

        def scenario(sid, title, tools, **meta):
            log(f"{title}  [{args.warmup} warm-up + {args.runs} rounds, interleaved]")
            res = measure_tools(tools, args.spawn, env, args.runs, args.warmup, log)
            scenarios.append({"id": sid, "title": title, **meta, "results": res})

        scenario("health-responder", "GET /health, minimal responder", tools_for(responder),
                 server="bench/responder.c (fixed response)", body_bytes=None)
        scenario("health-webhook", "GET /health, stand-in webhook", tools_for(webhook),
                 server="docker/standin (Python http.server)", body_bytes=None)
        for size, port in body_ports.items():
            label = {1024: "1 KiB", 64 * 1024: "64 KiB", 10 * MiB: "10 MiB"}[size]
            scenario(f"body-{size}", f"body {label}, minimal responder", tools_for(port, with_full=False),
                     server="bench/responder.c", body_bytes=size)
        vtools = []
        for n in (10, 1000):
            vp = venvs[n]["path"]
            if args.probe:
                vtools.append((f"healthprobe-venv-{n}", [args.probe, "--no-http", "--venv", vp,
                                                         "--require", REQUIRE, "--writable", "/tmp",
                                                         "--timeout", "2s"], {}))
            vtools.append((f"python-importlib-{n}", [os.path.join(vp, "bin", "python"), "-c", PY_REQUIRE,
                                                     REQUIRE], {}))
        scenario("venv-require", "--require against a venv with 10 vs 1000 distributions", vtools,
                 server=None, body_bytes=None)
        result["scenarios"] = scenarios

        # Size on disk.
        sizes = {}
        if args.probe:
            sizes["healthprobe"] = ldd_closure(args.probe)
        sizes["curl"] = ldd_closure(args.curl)
        sizes["busybox-wget"] = ldd_closure(args.busybox)
        py = ldd_closure(os.path.realpath(args.python))
        py["modules_loaded"] = python_modules_loaded(args.python, f"http://127.0.0.1:{responder}/health", env)
        py["bytes_with_modules"] = py["bytes"] + py["modules_loaded"]["bytes"]
        sizes["python-urllib"] = py
        sizes["floor"] = ldd_closure(args.floor)
        result["sizes"] = sizes
        result["machine"]["loadavg_end"] = os.getloadavg()
    finally:
        stop_servers()

    tmp = args.out + ".tmp"
    with open(tmp, "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")
    os.replace(tmp, args.out)
    log(f"wrote {args.out}")


if __name__ == "__main__":
    main()
