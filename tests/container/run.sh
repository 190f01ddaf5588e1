#!/usr/bin/env bash
# The container proof: docker/Dockerfile, the drop-in, under a real container engine, adopted the way
# the service's maintainers would adopt it and run the way ECS runs it.
#
#   tests/container/run.sh            (root; CTest label `container`)
#
# 1. installs what it needs (apt, only what is missing) and finds an engine: docker when its daemon
#    answers, else podman with the flags that work on this machine. Where no engine can run at all it
#    says so and FAILS, unless HEALTHPROBE_CONTAINER_TESTS=skip is set (then exit 77: skipped).
# 2. a Debian bookworm base (debootstrap minbase + python3 + python3-venv), cached as
#    /var/tmp/healthprobe-base-<hash of its recipe>.tar, imported as a local image.
# 3. builds the probe image from the root Dockerfile on that base: FROM scratch, a static probe.
# 4. adopts the drop-in as a maintainer would: copies docker/standin/ (the service's docker/ directory
#    in miniature), copies docker/Dockerfile over its Dockerfile, and builds it with the service's own
#    command plus the probe's image: `build --file Dockerfile --build-arg VERSION=V
#    --build-arg HEALTHPROBE_IMAGE=<step 3> .`. Amazon Linux cannot be built here, so the copy is
#    derived for the local base first (derive.js: only ARG defaults, package steps and the builder
#    change) and the drift check fails if the image's contract differs from docker/Dockerfile's.
#    The build itself runs the probe against the venv: a wrong WEBHOOK_REQUIRE fails it.
# 5. the service's smoke test (its scripts/test-minimal.sh: "Booting worker with pid", then /health)
#    for the web container and both consumers, the ECS way: read-only root, /tmp a task volume
#    that starts empty, root-owned, 0755. With the image's VOLUME copied in (a named volume, filled
#    from the image like an ECS volume from a VOLUME) all three stay healthy over several checks
#    and log no "Read-only file system" and no "Control server error"; as a plain bind mount (ECS
#    without the VOLUME) the consumers' probe reports the EACCES.
# 6. breaks it one way at a time and reads the engine's verdict and the probe's reason it stored.
# 7. nothing to build with, no caches, no shell needed by the HEALTHCHECK; today's user and group.
# 8. size against today's image (docker/standin/Dockerfile, derived the same way) and the image
#    before any rework, on the same base with the same modelled venv.
# 9. the transition log (one line per change in the engine's log), then the worker containers
#    (workers.sh): the consumers' heartbeat under MIGRATING.md's checks, SIGSTOP and SIGCONT, an OOM
#    kill. HEALTHPROBE_CONTAINER_CASES=workers runs the set-up, the images, then only those.
# Closes with "N passed, M failed, K skipped" (each skip with its reason); exit 1 on any failure. Cleans up its containers, volumes and
# images on exit; the base tarball stays as the cache. Set HEALTHPROBE_CONTAINER_ENGINE=docker|podman.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cache_dir="${HEALTHPROBE_BASE_CACHE_DIR:-/var/tmp}"
run_id="hp-ct-$$"
work="$(mktemp -d "${TMPDIR:-/tmp}/$run_id.XXXXXX")"
mkdir -p "$work/logs"
SECONDS=0

passed=0
failed=0
skipped=0
# skip NAME REASON: a case that cannot run here, said as loudly as a failure, never as a pass.
skip() { skipped=$((skipped + 1)); printf 'SKIP %s\n       reason: %s\n' "$1" "$2"; }
pass() { passed=$((passed + 1)); printf 'ok   %s\n' "$1"; }
fail() {
  failed=$((failed + 1)); printf 'FAIL %s\n' "$1"; shift
  local line; for line in "$@"; do printf '       %s\n' "$line"; done
}
# check NAME COMMAND...: one assertion, passing when COMMAND succeeds.
check() { local name="$1"; shift; if "$@"; then pass "$name"; else fail "$name" "${detail:-}"; fi; detail=; }
detail=
phase() { printf '\n== %s (t+%ds)\n' "$1" "$SECONDS"; }
log_tail() { tail -n "${2:-15}" "$1" | cut -c1-220 | sed 's/^/       | /'; }
finish() {
  printf '\ncontainer suite: %ds wall time (engine: %s)\n' "$SECONDS" "${engine:-none}"
  printf '%d passed, %d failed, %d skipped\n' "$passed" "$failed" "$skipped"
  [ "$failed" -eq 0 ]
  exit $?
}
# A step nothing after it can do without: record it and stop (the trap still cleans up).
fatal() { fail "$@"; finish; }
# No engine can run here: say so loudly; fail, unless the caller explicitly asked to skip.
no_engine() {
  printf '\n!!! NO CONTAINER ENGINE CAN RUN HERE: %s\n' "$1"
  if [ "${HEALTHPROBE_CONTAINER_TESTS:-}" = skip ]; then
    printf '!!! container suite SKIPPED (HEALTHPROBE_CONTAINER_TESTS=skip)\n%d passed, %d failed\n' "$passed" "$failed"
    exit 77
  fi
  fatal "a container engine runs here ($1)" "set HEALTHPROBE_CONTAINER_TESTS=skip to skip this suite explicitly"
}

# ------------------------------------------------------------------------------------------------
# The engine, and clean-up: only what this run made (containers by name, images by id).
# ------------------------------------------------------------------------------------------------
engine=
# Engine flags: none for docker; for podman the plainest set that works here, found by trying.
global=()    # podman's global flags (runtime, cgroup manager)
runx=()      # extra `run` flags (rlimits no higher than the host allows)
buildx=()    # extra `build` flags (isolation)
eng() { "$engine" "${global[@]}" "$@"; }
eng_build() {
  if [ "$engine" = podman ]; then eng build --format docker --force-rm "${buildx[@]}" "$@"  # docker format keeps HEALTHCHECK
  else eng build --force-rm "$@"; fi
}
eng_run() { eng run "${runx[@]}" "$@"; }
images_before=
snapshot_taken=
cleanup() {
  if [ -n "$engine" ]; then
    local c ids
    for c in $(eng ps -a --format '{{.Names}}' 2>/dev/null | grep "^$run_id-" || true); do
      eng rm -f -v -t 0 "$c" >/dev/null 2>&1 || eng rm -f -v "$c" >/dev/null 2>&1 || true
    done
    for c in $(eng volume ls --format '{{.Name}}' 2>/dev/null | grep "^$run_id-" || true); do
      eng volume rm -f "$c" >/dev/null 2>&1 || true
    done
    # Our tags first (an image that was already there, reused from the layer cache, is only untagged),
    # then every image id that was not there before the run: the build layers.
    for c in $(eng images --format '{{.Repository}}:{{.Tag}}' 2>/dev/null | grep "^localhost/$run_id-" || true); do
      eng rmi "$c" >/dev/null 2>&1 || true
    done
    if [ -n "$snapshot_taken" ]; then
      ids="$(comm -13 <(printf '%s\n' "$images_before") <(eng images -a -q --no-trunc 2>/dev/null | sort -u) | grep . || true)"
      [ -z "$ids" ] || eng rmi -f $ids >/dev/null 2>&1 || true
    fi
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ------------------------------------------------------------------------------------------------
phase "set-up"
# ------------------------------------------------------------------------------------------------
[ "$(id -u)" -eq 0 ] || fatal "runs as root" "debootstrap, podman import and the engine need root; run it with sudo"

# The project's one package installer; its output goes to the log, its verdict to the suite.
apt_install() {
  bash "$root/scripts/ensure-packages.sh" "$@" >>"$work/logs/apt.log" 2>&1 || { log_tail "$work/logs/apt.log"; return 1; }
}

apt_install debootstrap file ca-certificates || fatal "install debootstrap and file"
docker_works() { command -v docker >/dev/null && timeout 20 docker info >/dev/null 2>&1; }
want="${HEALTHPROBE_CONTAINER_ENGINE:-}"
if [ "$want" = docker ] || { [ -z "$want" ] && docker_works; }; then
  engine=docker
else
  engine=podman
  # What runs containers on these machines (shared notes: containers-here.md).
  apt_install podman runc uidmap slirp4netns fuse-overlayfs || no_engine "no docker daemon, and podman cannot be installed"
fi
command -v node >/dev/null || apt_install nodejs npm || fatal "install node (derive.js reads the Dockerfile with dockerfile-ast)"
# derive.js reuses the policy suite's parser and its locked dockerfile-ast.
if [ ! -f "$root/tests/docker/node_modules/.package-lock.json" ] \
   || [ "$root/tests/docker/package-lock.json" -nt "$root/tests/docker/node_modules/.package-lock.json" ]; then
  (cd "$root/tests/docker" && npm ci --prefer-offline --no-audit --no-fund --loglevel=error) >"$work/logs/npm.log" 2>&1 \
    || { log_tail "$work/logs/npm.log"; fatal "npm ci in tests/docker (dockerfile-ast)"; }
fi

images_before="$(eng images -a -q --no-trunc 2>/dev/null | sort -u)" && snapshot_taken=1

# ------------------------------------------------------------------------------------------------
phase "local Debian bookworm base"
# ------------------------------------------------------------------------------------------------
# The recipe is the cache key: change a package or a step and a new tarball is made.
base_packages="python3,python3-venv,python3-wheel-whl"
base_recipe="bookworm minbase $base_packages deb822-sources+updates+security no-apt-lists v1"
base_hash="$(printf '%s' "$base_recipe" | sha256sum | cut -c1-12)"
base_tar="$cache_dir/healthprobe-base-$base_hash.tar"
base_image="localhost/$run_id-base:$base_hash"
mirror="${HEALTHPROBE_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
if [ -s "$base_tar" ]; then
  echo "cached: $base_tar"
else
  echo "making $base_tar (debootstrap --variant=minbase --include=$base_packages)"
  rootfs="$work/rootfs"
  # python3-wheel-whl: the builder stage builds the stand-in's wheel offline (no PyPI here).
  debootstrap --variant=minbase --include="$base_packages" bookworm "$rootfs" "$mirror" >"$work/logs/debootstrap.log" 2>&1 \
    || { log_tail "$work/logs/debootstrap.log"; fatal "debootstrap bookworm"; }
  # Like Debian's own image: bookworm, -updates and -security in deb822 form; no downloaded
  # packages or lists (apt-get update in a build fetches fresh ones); no host resolver.
  rm -f "$rootfs/etc/apt/sources.list"
  cat >"$rootfs/etc/apt/sources.list.d/debian.sources" <<'SOURCES'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  : >"$rootfs/etc/resolv.conf"
  # Written aside and renamed, so an interrupted run never leaves a truncated cache behind.
  tar --numeric-owner -C "$rootfs" -cf "$base_tar.part" . && mv "$base_tar.part" "$base_tar" \
    || fatal "write $base_tar"
  rm -rf "$rootfs"
fi
eng import --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'CMD ["/bin/bash"]' "$base_tar" "$base_image" >"$work/logs/import.log" 2>&1 \
  || { log_tail "$work/logs/import.log"; no_engine "$engine cannot import an image"; }
pass "base image: $(du -m "$base_tar" | cut -f1) MiB tarball, imported as $base_image"

if [ "$engine" = podman ]; then
  # The plainest flags that run a container; rlimits only when the engine's defaults exceed ours.
  ok=
  for g in "" "--runtime runc --cgroup-manager=cgroupfs"; do
    for r in "" "--ulimit nofile=1024:1024 --ulimit nproc=4096:4096"; do
      read -r -a global <<<"$g"; read -r -a runx <<<"$r"
      if eng_run --rm "$base_image" true >"$work/logs/run-probe.log" 2>&1; then ok=1; break 2; fi
    done
  done
  if [ -z "$ok" ]; then
    log_tail "$work/logs/run-probe.log"
    no_engine "no docker daemon, and podman cannot run a container with any known flags (log above)"
  fi
  printf 'FROM %s\nRUN true\n' "$base_image" >"$work/Containerfile.probe-run"
  for b in "" "--isolation chroot"; do
    read -r -a buildx <<<"$b"
    eng_build -f "$work/Containerfile.probe-run" "$work" >"$work/logs/build-probe.log" 2>&1 && break
    buildx=(none)
  done
  [ "${buildx[*]}" != none ] || { log_tail "$work/logs/build-probe.log"; fatal "$engine builds a RUN step"; }
  echo "podman flags: global '${global[*]}', run '${runx[*]}', build '--format docker ${buildx[*]}'"
fi
# Does this engine's builder know HEALTHCHECK --start-interval (Docker >= 25)? Podman 4.3 does not:
# then the derived file drops that one flag, and the drift check says so instead of hiding it.
printf 'FROM %s\nHEALTHCHECK --interval=30s --start-interval=2s CMD ["/bin/true"]\n' "$base_image" >"$work/Containerfile.si"
derive_flags=()
check_flags=()
if ! eng_build -f "$work/Containerfile.si" "$work" >"$work/logs/build-si.log" 2>&1; then
  if grep -q 'start-interval' "$work/logs/build-si.log"; then
    echo "note: $engine's builder rejects HEALTHCHECK --start-interval: the contract image is built without it"
    derive_flags=(--drop-start-interval); check_flags=(--no-start-interval)
  else
    log_tail "$work/logs/build-si.log"; fatal "$engine builds a HEALTHCHECK"
  fi
fi

# ------------------------------------------------------------------------------------------------
phase "the probe image: the root Dockerfile (builder: the local base)"
# ------------------------------------------------------------------------------------------------
probe_image="localhost/$run_id-probe:latest"
out="$work/probe-out"
probe_args=(-f "$root/Dockerfile" --build-arg "PROBE_BUILDER_IMAGE=$base_image" "$root")
if eng_build -t "$probe_image" "${probe_args[@]}" >"$work/logs/probe.log" 2>&1; then
  pass "the probe image builds from the root Dockerfile on the local base ($((SECONDS))s so far)"
else
  log_tail "$work/logs/probe.log" 25; fatal "the probe image builds from the root Dockerfile on the local base"
fi
# The same build again with an output: served from the layers just built, it exports /healthprobe
# exactly as `docker buildx build --output type=local,dest=out .` does.
eng_build -o "type=local,dest=$out" "${probe_args[@]}" >"$work/logs/probe-export.log" 2>&1
probe="$out/healthprobe"
detail="$(tail -n 3 "$work/logs/probe-export.log")"
check "the build exports /healthprobe (--output type=local)" test -x "$probe"
[ -x "$probe" ] || finish
# The image's filesystem, listed from an export: what is there, whatever PATH or shell it has.
# Exported to a file, not stdout: podman 4.3 writes "stdout" by opening the path /dev/stdout, so a
# /dev/stdout that is not the usual symlink (seen once on this machine) silently lists nothing.
listing() {
  local c
  c="$(eng create "$1" 2>/dev/null)" && eng export --output "$work/listing.tar" "$c" && tar -tf "$work/listing.tar"
  eng rm -f -v "$c" >/dev/null 2>&1
  rm -f "$work/listing.tar"
}
probe_files="$(listing "$probe_image" | grep -v '/$' | tr '\n' ' ')"
detail="files: $probe_files"
check "the probe image holds one file, /healthprobe" eval '[ "$probe_files" = "healthprobe " ]'
ftype="$(file -b "$probe")"
detail="file: $ftype"
check "exported probe is statically linked" grep -Eq 'statically linked|static-pie linked' <<<"$ftype"
echo "       file: $ftype; $(stat -c %s "$probe") bytes"
version_line="$(env -i "$probe" --version 2>&1)"
detail="--version printed: $version_line"
check "exported probe runs from an empty environment: $version_line" grep -Eq '^healthprobe [0-9]+\.[0-9]+\.[0-9]+' <<<"$version_line"
# A port nothing listens on: bind an ephemeral one and let it go.
port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
rc=0; report="$(env -i "$probe" --url "http://127.0.0.1:$port/health" --venv none 2>&1)" || rc=$?
detail="exit $rc; report: $(head -n 1 <<<"$report")"
check "probe against a stopped port exits 1 and says why" \
  eval '[ "$rc" -eq 1 ] && grep -Eq "^unhealthy: webhook:http nothing accepts connections on 127\.0\.0\.1:$port" <<<"$report"'

# ------------------------------------------------------------------------------------------------
phase "the drop-in, adopted and built as the service's CI builds it"
# ------------------------------------------------------------------------------------------------
py=3.11   # bookworm's python3 (the real image's PYTHON_VERSION is an AL2023 python3.X)
# The service's third-party dependencies, modelled with Debian's builds of the same projects (no
# PyPI here): the production server (gunicorn, uvicorn) and the AWS SDK the service uses (boto3).
# The real lock has more (benchling-sdk, quilt3, ...): the venv here is smaller than the real one.
venv_extras="gunicorn python3-uvicorn python3-boto3"
version=0.18.1   # as the service's CI passes it: the tag v0.18.1 without its "v"
dropin="localhost/$run_id-dropin:latest"
today="localhost/$run_id-today:latest"
noshell="localhost/$run_id-noshell:latest"
# The service's docker/ directory: the stand-in's tracked content, no build leftovers.
copy_service_dir() {
  mkdir -p "$1" && tar -C "$root/docker/standin" --exclude=__pycache__ --exclude=.venv --exclude=build \
    --exclude='*.egg-info' -c . | tar -C "$1" -x
}
# AL2023 cannot be built here: a Dockerfile is swapped for its derivation for the local base, whose
# ARG defaults (base, Python, the modelled dependencies) make the service's own command build it.
derive_for_here() {
  node "$here/derive.js" derive --dockerfile "$1" --default "BASE_IMAGE=$base_image" --default "PYTHON_VERSION=$py" \
    --default "VENV_EXTRAS=$venv_extras" "${derive_flags[@]}" 2>>"$work/logs/derive.log"
}
service="$work/service"
copy_service_dir "$service"
# The maintainer's step: the drop-in over the service's Dockerfile.
cp "$root/docker/Dockerfile" "$service/Dockerfile"
derive_for_here "$service/Dockerfile" >"$service/Dockerfile.derived" \
  || { cat "$work/logs/derive.log"; fatal "derive docker/Dockerfile for the local base"; }
mv "$service/Dockerfile.derived" "$service/Dockerfile"
pass "docker/Dockerfile copied over the service directory's Dockerfile, derived for the local base ($(grep -c '^FROM' "$service/Dockerfile") stages)"
# The service's command (docker/scripts/docker.py), plus the probe's image: nothing else.
build_service() { (cd "$service" && eng_build --file Dockerfile --build-arg "VERSION=$version" "$@" .); }
echo "       (cd service && build --file Dockerfile --build-arg VERSION=$version --build-arg HEALTHPROBE_IMAGE=$probe_image --tag $dropin .)"
build_service --build-arg "HEALTHPROBE_IMAGE=$probe_image" --tag "$dropin" >"$work/logs/dropin.log" 2>&1 \
  || { log_tail "$work/logs/dropin.log" 25; fatal "the drop-in builds with the service's command"; }
pass "the drop-in builds with the service's command and the probe's image"

inspect_config() {
  if [ "$engine" = podman ]; then eng image inspect --format '{"Config":{{json .Config}},"HealthCheck":{{json .HealthCheck}}}' "$1"
  else eng image inspect --format '{"Config":{{json .Config}}}' "$1"; fi
}
inspect_config "$dropin" >"$work/dropin-config.json"

# How the cases below run a container and read the engine's verdict; the worker containers' cases.
. "$here/workers.sh"
ro=(--read-only --tmpfs /tmp)
# A read-only /tmp, whatever the image declares there (a VOLUME would otherwise make it writable).
ro_tmp=(--read-only --tmpfs /tmp:ro)
start() { local name="$run_id-$1"; shift; eng_run -d --name "$name" "$@" >>"$work/logs/run.log" 2>&1 || fail "start container $name" "$(tail -n 2 "$work/logs/run.log")"; }
# A one-process server (the stand-in's own, standard library), for the cases that kill or freeze
# the server: gunicorn's master and workers would outlive a single kill.
app_cmd="/app/.venv/bin/python -m src.app"
# The consumers' health checks, as docker/MIGRATING.md's task definition gives them (workers.sh,
# migrating_check), in the engine's shell form, which docker and podman both take.
events_check="$(migrating_check sqs_consumer)" && packaging_check="$(migrating_check packaging_consumer)" \
  || fatal "the consumers' health checks read from docker/MIGRATING.md"
# The environment of the service's smoke test (scripts/test-minimal.sh), and the consumers' queues.
smoke_env=(-e PORT=8080 -e AWS_REGION=us-east-1 -e PACKAGER_SQS_URL=https://sqs.us-east-1.amazonaws.com/000000000000/test-queue
  -e QUILT_WEB_HOST=https://example.quiltdata.com -e ATHENA_USER_DATABASE=test_db -e BenchlingSecret=test-secret
  -e PACKAGE_EVENT_QUEUE_URL=https://sqs.us-east-1.amazonaws.com/000000000000/package-events
  -e PACKAGING_REQUEST_QUEUE_URL=https://sqs.us-east-1.amazonaws.com/000000000000/packaging.fifo)
start_trio() { # NAME-PREFIX MOUNT...: the web container and both consumers, sharing one /tmp
  local p="$1"; shift
  start "$p-web" --read-only "$@" "${smoke_env[@]}" "$dropin"
  start "$p-events" --read-only "$@" "${smoke_env[@]}" --health-cmd "$events_check" "$dropin" python -m src.sqs_consumer
  start "$p-packaging" --read-only "$@" "${smoke_env[@]}" --health-cmd "$packaging_check" "$dropin" python -m src.packaging_consumer
}

# The image's own HEALTHCHECK settings, as the engine stored them.
hc() { node -e 'const c = JSON.parse(require("fs").readFileSync(process.argv[1]));
  console.log((c.Config.Healthcheck || c.HealthCheck || {})[process.argv[2]] || 0)' "$work/dropin-config.json" "$1"; }
start_period_s=$(( $(hc StartPeriod) / 1000000000 ))
retries="$(hc Retries)"
hc_timeout_ms=$(( $(hc Timeout) / 1000000 ))

# The engine's last stored result for a container: status, exit code, duration (ms), the number of
# stored results, then the output.
health() {
  eng inspect --format '{{json .State.Health}}' "$run_id-$1" 2>/dev/null | node -e '
    let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
      const h = JSON.parse(s || "null") || {}; const log = h.Log || []; const e = log[log.length - 1] || {};
      const t = (x) => Date.parse(String(x).replace(/(\.\d{3})\d+/, "$1"));
      console.log(h.Status || "none"); console.log(e.ExitCode ?? "none");
      console.log(e.Start ? t(e.End) - t(e.Start) : "none"); console.log(log.length);
      process.stdout.write(e.Output || "");
    });'
}
# Run the container's HEALTHCHECK now. Podman without systemd schedules none: `healthcheck run` is
# how the engine runs it (and stores the result). Docker schedules its own: wait for the next one.
# Either way, it returns once the engine has stored one more result (podman: retried once if the
# run stored none).
trigger() {
  local n k; n="$(health "$1" | sed -n 4p)"
  if [ "$engine" = podman ]; then
    for ((k = 0; k < 2; k++)); do
      eng healthcheck run "$run_id-$1" >>"$work/logs/trigger-$1.log" 2>&1
      [ "$(health "$1" | sed -n 4p)" != "$n" ] && return 0
      echo "(no result stored by that run: retrying)" >>"$work/logs/trigger-$1.log"; sleep 1
    done
  else
    for ((k = 0; k < 60; k++)); do [ "$(health "$1" | sed -n 4p)" != "$n" ] && return 0; sleep 1; done
  fi
  return 1
}
# settle NAME WANT: trigger until the engine's status is WANT (at most `retries` checks for podman;
# docker's own schedule for up to the start period plus retries intervals).
settle() {
  local name="$1" want="$2" k status
  if [ "$engine" = podman ]; then
    for ((k = 0; k < retries; k++)); do
      trigger "$name"; status="$(health "$name" | head -n 1)"; [ "$status" = "$want" ] && return 0
      sleep 1
    done
  else
    for ((k = 0; k < 90; k++)); do
      status="$(health "$name" | head -n 1)"; [ "$status" = "$want" ] && return 0; sleep 2
    done
  fi
  return 1
}

# kill_server CONTAINER LOG: SIGKILLs the server process inside CONTAINER ($app_cmd, by its exact
# command line), with the container's own Python: the image has no shell and no kill.
kill_server() {
  eng exec "$1" "/usr/bin/python$py" -c '
import os, signal, sys
want = sys.argv[1].replace(" ", "\0").encode() + b"\0"
for p in filter(str.isdigit, os.listdir("/proc")):
    try:
        if open(f"/proc/{p}/cmdline", "rb").read() == want:
            os.kill(int(p), signal.SIGKILL); print("killed", p)
    except OSError:
        pass' "$app_cmd" >"$2" 2>&1
}

# verdict NAME WANT_STATUS WANT_EXIT REGEX...: the engine's status and the stored log's exit code and
# lines. Prints the stored log's first line (the probe's verdict).
verdict() {
  local name="$1" want="$2" want_exit="$3"; shift 3
  local h status code ms output re
  h="$(health "$name")"; status="$(sed -n 1p <<<"$h")"; code="$(sed -n 2p <<<"$h")"; ms="$(sed -n 3p <<<"$h")"
  output="$(sed -n '5,$p' <<<"$h")"
  LAST_MS="$ms"
  printf '       engine: %s, last check exit %s in %s ms; stored log: %s\n' "$status" "$code" "$ms" "$(head -n 1 <<<"$output")"
  if [ "$status" != "$want" ]; then
    detail="engine status '$status', want '$want'; container $(eng inspect --format '{{.State.Status}} (exit {{.State.ExitCode}})' "$run_id-$name" 2>&1)"
    detail+="; log: $output; trigger: $(tail -n 3 "$work/logs/trigger-$name.log" 2>/dev/null); logs: $(eng logs --tail 5 "$run_id-$name" 2>&1)"
    return 1
  fi
  [ "$code" = "$want_exit" ] || { detail="last check exit $code, want $want_exit; log: $output"; return 1; }
  for re in "$@"; do grep -Eq -- "$re" <<<"$output" || { detail="stored log lacks /$re/: $output"; return 1; }; done
}

# The worker containers' cases, also on their own: HEALTHPROBE_CONTAINER_CASES=workers runs the
# set-up and the images they need, then only them (a few minutes, not the whole proof).
if [ "${HEALTHPROBE_CONTAINER_CASES:-all}" = workers ]; then worker_proof; finish; fi

drift() { node "$here/derive.js" check --dockerfile "$root/docker/Dockerfile" --derived "$1" --config "$2" \
  --build-arg "VERSION=$version" --build-arg "PYTHON_VERSION=$py" "${check_flags[@]}"; }
drift_out="$(drift "$service/Dockerfile" "$work/dropin-config.json" 2>&1)"; drift_rc=$?
detail="$drift_out"
check "no drift: the image's USER, WORKDIR, ENV, VOLUME, HEALTHCHECK, CMD, EXPOSE match docker/Dockerfile's last stage" \
  eval '[ "$drift_rc" -eq 0 ]'
[ "${#check_flags[@]}" -eq 0 ] || echo "       (HEALTHCHECK --start-interval not compared: $engine cannot build it)"
# The drift check must be able to fail: a derived file whose USER moved, an image whose CMD did,
# and an image without the /tmp volume.
sed 's/^USER .*/USER root/' "$service/Dockerfile" >"$work/drifted.Containerfile"
sed 's#"Cmd":\[[^]]*\]#"Cmd":["uv","run","python","-m","src.app"]#' "$work/dropin-config.json" >"$work/drifted-config.json"
node -e 'const c = JSON.parse(require("fs").readFileSync(process.argv[1])); c.Config.Volumes = null
  process.stdout.write(JSON.stringify(c))' "$work/dropin-config.json" >"$work/novolume-config.json"
out1="$(drift "$work/drifted.Containerfile" "$work/dropin-config.json" 2>&1)"; rc1=$?
out2="$(drift "$service/Dockerfile" "$work/drifted-config.json" 2>&1)"; rc2=$?
out3="$(drift "$service/Dockerfile" "$work/novolume-config.json" 2>&1)"; rc3=$?
detail="drifted USER: exit $rc1 ($out1); drifted Cmd: exit $rc2 ($out2); no volume: exit $rc3 ($out3)"
check "drift check fails on a drifted USER, a drifted CMD and a missing /tmp volume (control)" \
  eval '[ $rc1 -eq 1 ] && grep -q "USER root" <<<"$out1" && [ $rc2 -eq 1 ] && grep -q "image Cmd" <<<"$out2" && [ $rc3 -eq 1 ] && grep -q "image Volumes" <<<"$out3"'

# Fail the build, not the deploy: the build runs the probe against the venv (--no-http), so a wrong
# WEBHOOK_REQUIRE (benchling-webhook is the npm package, not the distribution) stops it.
rc=0; build_service --build-arg "HEALTHPROBE_IMAGE=$probe_image" --build-arg WEBHOOK_REQUIRE=benchling-webhook \
  --tag "localhost/$run_id-wrongreq:latest" >"$work/logs/wrong-require.log" 2>&1 || rc=$?
detail="exit $rc; $(grep -E 'unhealthy|venv:' "$work/logs/wrong-require.log" | head -n 3 | tr '\n' ' ')"
check "a build with WEBHOOK_REQUIRE=benchling-webhook fails with the probe's message" \
  eval '[ "$rc" -ne 0 ] && grep -Eq "^unhealthy: venv:packages missing from /app/\.venv/lib/python$py/site-packages: benchling-webhook" "$work/logs/wrong-require.log"'
grep -E '^unhealthy:' "$work/logs/wrong-require.log" | head -n 1 | sed 's/^/       build log: /'
# The classic multi-stage mistake: the venv made against an interpreter only the builder has.
rc=0; build_service --build-arg "HEALTHPROBE_IMAGE=$probe_image" --build-arg "VENV_PYTHON=/opt/builder-python/bin/python$py" \
  --tag "localhost/$run_id-dangling:latest" >"$work/logs/dangling.log" 2>&1 || rc=$?
detail="exit $rc; $(grep -E 'unhealthy|venv:python' "$work/logs/dangling.log" | head -n 3 | tr '\n' ' ')"
check "a build whose venv points at a builder-only interpreter fails with the probe's message" \
  eval '[ "$rc" -ne 0 ] && grep -Eq "^unhealthy: venv:python .*/opt/builder-python/bin" "$work/logs/dangling.log"'
grep -E '^unhealthy:' "$work/logs/dangling.log" | head -n 1 | sed 's/^/       build log: /'
# No probe release exists yet, so the ARG has no default: the service's command alone must stop.
rc=0; build_service --tag "localhost/$run_id-noprobe:latest" >"$work/logs/noprobe.log" 2>&1 || rc=$?
detail="exit $rc; $(tail -n 2 "$work/logs/noprobe.log" | tr '\n' ' ')"
check "without --build-arg HEALTHPROBE_IMAGE the build stops, naming it (no probe release to default to yet)" \
  eval '[ "$rc" -ne 0 ] && grep -q "HEALTHPROBE_IMAGE" "$work/logs/noprobe.log"'
grep -m1 'HEALTHPROBE_IMAGE' "$work/logs/noprobe.log" | cut -c1-200 | sed 's/^/       build log: /'

# gunicorn's control socket: off through /app/gunicorn.conf.py, which Debian's gunicorn 20.1 must
# accept (it skips the setting it does not know) while it refuses the flag gunicorn 25 would take.
gunicorn_version="gunicorn $(eng_run --rm --entrypoint /app/.venv/bin/python "$dropin" -m gunicorn --version 2>/dev/null | grep -o '[0-9][0-9.]*' | head -n 1)"
rc=0; printed="$(eng_run --rm --entrypoint /app/.venv/bin/python "$dropin" -m gunicorn --config /app/gunicorn.conf.py \
  --print-config 'src.app:create_app()' 2>&1)" || rc=$?
conf="$(eng_run --rm --entrypoint /bin/cat "$dropin" /app/gunicorn.conf.py 2>/dev/null)"
detail="$gunicorn_version; exit $rc; /app/gunicorn.conf.py: $conf; $(tail -n 3 <<<"$printed")"
check "$gunicorn_version loads /app/gunicorn.conf.py (control_socket_disable = True) without an error" \
  eval '[ "$rc" -eq 0 ] && grep -qx "control_socket_disable = True" <<<"$conf" && grep -Eq "^config +=.*/app/gunicorn.conf.py" <<<"$printed"'
rc=0; refused="$(eng_run --rm --entrypoint /app/.venv/bin/python "$dropin" -m gunicorn --no-control-socket \
  --check-config 'src.app:create_app()' 2>&1)" || rc=$?
detail="exit $rc: $(tail -n 2 <<<"$refused")"
check "control: the same gunicorn exits on --no-control-socket (why the image uses the config file)" \
  eval '[ "$rc" -ne 0 ] && grep -q "unrecognized arguments: --no-control-socket" <<<"$refused"'

# The HEALTHCHECK must need no shell: the same image with every shell removed.
app_user="$(eng image inspect --format '{{.Config.User}}' "$dropin")"
cat >"$work/Containerfile.noshell" <<'NOSHELL'
ARG IMAGE
FROM ${IMAGE}
ARG APP_USER
USER root
RUN ["/usr/bin/rm", "-f", "/usr/bin/sh", "/usr/bin/dash", "/usr/bin/bash", "/usr/bin/rbash", "/bin/sh", "/bin/bash"]
USER ${APP_USER}
NOSHELL
eng_build -t "$noshell" -f "$work/Containerfile.noshell" --build-arg "IMAGE=$dropin" --build-arg "APP_USER=$app_user" "$work" \
  >"$work/logs/noshell.log" 2>&1 || { log_tail "$work/logs/noshell.log"; fatal "shell-less image builds"; }
# A control for the cache rules: the same image with the caches an old-style build leaves.
dirty="localhost/$run_id-dirty:latest"
printf 'ARG IMAGE\nFROM ${IMAGE}\nUSER root\nRUN ["/usr/bin/mkdir", "-p", "/root/.cache/pip", "/home/%s/.cache/uv"]\n' "$app_user" \
  >"$work/Containerfile.dirty"
eng_build -t "$dirty" -f "$work/Containerfile.dirty" --build-arg "IMAGE=$dropin" "$work" >"$work/logs/dirty.log" 2>&1 \
  || { log_tail "$work/logs/dirty.log"; fatal "cache-control image builds"; }

# ------------------------------------------------------------------------------------------------
phase "today's image (docker/standin/Dockerfile), built the same way"
# ------------------------------------------------------------------------------------------------
today_dir="$work/today"
copy_service_dir "$today_dir"
derive_for_here "$today_dir/Dockerfile" >"$today_dir/Dockerfile.derived" \
  || { cat "$work/logs/derive.log"; fatal "derive docker/standin/Dockerfile for the local base"; }
mv "$today_dir/Dockerfile.derived" "$today_dir/Dockerfile"
(cd "$today_dir" && eng_build --file Dockerfile --build-arg "VERSION=$version" --tag "$today" .) >"$work/logs/today.log" 2>&1 \
  || { log_tail "$work/logs/today.log" 25; fatal "today's image builds with the service's command"; }
pass "today's image builds with the service's command"
id_of() { eng_run --rm --entrypoint /bin/sh "$1" -c 'echo "$(id) home=$HOME"' 2>/dev/null; }
ours="$(id_of "$dropin")"; theirs="$(id_of "$today")"
detail="drop-in: $ours; today: $theirs"
check "the drop-in runs as today's user: $ours" eval '[ "$ours" = "$theirs" ] && grep -q "^uid=1000(appuser) gid=[0-9]*(appuser)" <<<"$ours"'

# ------------------------------------------------------------------------------------------------
phase "run read-only as $app_user; the engine runs the HEALTHCHECK"
# ------------------------------------------------------------------------------------------------
# ECS mounts a task volume at /tmp that starts empty, owned by root, mode 0755. With the image's
# VOLUME at that path ECS fills it with a copy of the image's /tmp (mode 1777); without it, it stays
# as it was made. A fresh named volume behaves like the first (the engine copies the image's
# directory, contents and mode, into an empty named volume on first use), a bind mount of an empty
# root-owned 0755 directory like the second (nothing is copied into a bind mount).
ecs_volume="$run_id-tmp"
eng volume create "$ecs_volume" >/dev/null || fatal "create the named volume $ecs_volume"
vol_dir="$(eng volume inspect --format '{{.Mountpoint}}' "$ecs_volume")"
vol_before="$(stat -c '%U:%G %a' "$vol_dir") $(ls -A "$vol_dir" | wc -l) entries"
ecs_bare="$work/ecs-tmp"
install -d -o root -g root -m 0755 "$ecs_bare"
bare_before="$(stat -c '%U:%G %a' "$ecs_bare") $(ls -A "$ecs_bare" | wc -l) entries"
detail="named volume: $vol_before; bind directory: $bare_before"
check "both /tmp sources start as ECS makes a task volume: empty, root:root, 0755" \
  eval '[ "$vol_before" = "root:root 755 0 entries" ] && [ "$bare_before" = "root:root 755 0 entries" ]'
start_trio ecs -v "$ecs_volume:/tmp"
start_trio bare -v "$ecs_bare:/tmp"

start healthy "${ro[@]}" "$dropin"
start degraded "${ro[@]}" -e WEBHOOK_MODE=degraded "$dropin"
# /tmp read-only: gunicorn writes only /dev/shm, so the image's default check still passes.
start notmp "${ro_tmp[@]}" "$dropin"
# The server must not be PID 1 for "killed": its death would end the container and no check would
# run. A shell parent stands in for a supervisor.
start killed "${ro[@]}" --entrypoint /bin/sh "$dropin" -c "$app_cmd & exec sleep infinity"
# A consumer that relies on /tmp (its check says so) where /tmp is read-only.
start tmp-needed "${ro_tmp[@]}" --health-cmd "$events_check" "$dropin" python -m src.sqs_consumer
# Control: a consumer with the image's own check, which probes a web server it does not run.
start worker-http "${ro[@]}" "$dropin" python -m src.sqs_consumer
start hung "${ro[@]}" "$dropin" $app_cmd
start noshell "${ro[@]}" "$noshell"
# Controls for the no-shell case: a shell-form check passes with a shell, and cannot without one.
start shellform "${ro[@]}" --health-cmd healthprobe "$dropin"
start noshell-shellform "${ro[@]}" --health-cmd healthprobe "$noshell"
t_started=$SECONDS

# ------------------------------------------------------------------------------------------------
phase "the service's smoke test, the ECS way: read-only root, /tmp a task volume"
# ------------------------------------------------------------------------------------------------
# As scripts/test-minimal.sh: gunicorn's "Booting worker with pid" within 30 s, then GET /health
# (with the container's own Python: the image has no curl).
booted() { local k; for ((k = 0; k < 30; k++)); do eng logs "$run_id-$1" 2>&1 | grep -q "Booting worker with pid" && return 0; sleep 1; done; return 1; }
get_health() { eng exec "$run_id-$1" /app/.venv/bin/python -c 'import urllib.request
print(urllib.request.urlopen("http://127.0.0.1:8080/health", timeout=5).read().decode())' 2>&1; }
tmp_mode() { eng exec "$run_id-$1" /app/.venv/bin/python -c 'import os, stat
s = os.stat("/tmp"); print(oct(stat.S_IMODE(s.st_mode))[2:], s.st_uid)' 2>&1; }
detail="$(eng logs --tail 8 "$run_id-ecs-web" 2>&1)"
check "web container: gunicorn boots its workers ('Booting worker with pid')" booted ecs-web
body="$(get_health ecs-web)"
detail="$body"
check "web container: /health answers healthy with version $version (the VERSION build argument)" \
  eval 'node -e "const b = JSON.parse(process.argv[1]); process.exit(b.status === \"healthy\" && b.version === process.argv[2] ? 0 : 1)" "$body" "$version"'
echo "       /health: $body"
mode="$(tmp_mode ecs-web)"
detail="/tmp: mode uid = $mode"
check "the task volume at /tmp is the image's copy: mode 1777 (was root 0755 and empty)" eval '[ "$mode" = "1777 0" ]'
# Several health intervals for each of the three: every check healthy (the engine's own verdict).
for name in ecs-web ecs-events ecs-packaging; do
  for ((k = 0; k < 4; k++)); do trigger "$name"; sleep 2; done
done
for ctr in ecs-web ecs-events ecs-packaging; do
  codes="$(eng inspect --format '{{range .State.Health.Log}}{{.ExitCode}} {{end}}' "$run_id-$ctr" 2>&1)"
  if [ "$ctr" = ecs-web ]; then want='pass +webhook:http +HTTP 200'; else want='pass +filesystem:/tmp '; fi
  check "$ctr: healthy at every check ($codes), the report shows '$want'" \
    eval '[ -n "$codes" ] && ! grep -q "[1-9]" <<<"$codes" && verdict "$ctr" healthy 0 "^healthy: " "$want"'
done
for name in ecs-web ecs-events ecs-packaging; do
  clog="$(eng logs "$run_id-$name" 2>&1)"
  detail="$(grep -iE 'read-only file system|control server error' <<<"$clog" | head -n 3)"
  check "$name: after those intervals its log has no 'Read-only file system' and no 'Control server error'" \
    eval '[ -n "$clog" ] && ! grep -qiE "read-only file system|control server error" <<<"$clog"'
done
for name in ecs-events ecs-packaging; do
  clog="$(eng logs "$run_id-$name" 2>&1)"
  detail="$clog"
  check "$name: the consumer loop runs (consuming its queue)" grep -q "consuming https://sqs" <<<"$clog"
done
# ECS without the image's VOLUME: /tmp stays root 0755. The consumers' probe names the EACCES; the
# web container, whose check needs only /dev/shm, stays healthy.
mode="$(tmp_mode bare-web)"
for name in bare-events bare-packaging; do
  for ((k = 0; k < retries; k++)); do trigger "$name"; done
  check "$name, /tmp a bare root 0755 mount (mode uid: $mode): unhealthy, the probe reports EACCES on /tmp" \
    verdict "$name" unhealthy 1 '^unhealthy: filesystem:/tmp ' 'Permission denied \(EACCES\)'
done
settle bare-web healthy
check "bare-web, same mount: healthy (gunicorn writes /dev/shm only)" verdict bare-web healthy 0 '^healthy: '

# ------------------------------------------------------------------------------------------------
phase "healthy read-only, and broken one way at a time: the engine's verdict and the probe's reason"
# ------------------------------------------------------------------------------------------------
settle healthy healthy
check "healthy: read-only root, tmpfs /tmp, gunicorn serving; the default writable dir /dev/shm passes" \
  verdict healthy healthy 0 '^healthy: ' 'pass +venv:python ' 'pass +venv:packages .*benchling-quilt-integration' \
  'pass +filesystem:/dev/shm ' 'root filesystem is read-only' 'pass +webhook:http +HTTP 200'
uid="$(eng exec "$run_id-healthy" id -u 2>&1)"; uname="$(eng exec "$run_id-healthy" id -un 2>&1)"
rofs="$(eng inspect --format '{{.HostConfig.ReadonlyRootfs}}' "$run_id-healthy")"
detail="id -u: $uid ($uname), ReadonlyRootfs: $rofs"
check "runs as its non-root user ($uname, uid $uid) on a read-only root" \
  eval '[ "$uid" = 1000 ] && [ "$uname" = "$app_user" ] && [ "$rofs" = true ]'
slogs="$(eng logs "$run_id-healthy" 2>&1)"
detail="$(tail -n 8 <<<"$slogs")"
check "gunicorn bound 0.0.0.0:\$PORT by itself and booted its uvicorn workers, no EROFS" \
  eval 'grep -q "Listening at: http://0.0.0.0:8080" <<<"$slogs" && grep -q "Booting worker with pid" <<<"$slogs" && grep -q "uvicorn.workers.UvicornWorker" <<<"$slogs" && ! grep -qi "read-only file system" <<<"$slogs"'
settle notmp healthy
check "read-only root and a read-only /tmp: still healthy (gunicorn writes only /dev/shm)" \
  verdict notmp healthy 0 '^healthy: ' 'pass +filesystem:/dev/shm ' 'root filesystem is read-only'
settle degraded healthy
check "webhook degraded: still healthy, the stored log carries the warning" \
  verdict degraded healthy 0 '^degraded: webhook:http ' 'mode degraded' 'warning: secrets not configured'
settle noshell healthy
check "HEALTHCHECK needs no shell: healthy with every shell removed from the image" \
  verdict noshell healthy 0 '^healthy: '
settle shellform healthy
check "control: a shell-form check passes in the image with its shell" verdict shellform healthy 0 '^healthy: '
trigger noshell-shellform
h="$(health noshell-shellform)"
detail="$(tr '\n' ' ' <<<"$h")"
check "control: the same shell-form check fails once the shell is gone" eval '[ "$(sed -n 2p <<<"$h")" != 0 ] && ! grep -q "^healthy:" <<<"$h"'

# Break the running ones: kill the server (from inside, as its own user); freeze the other one.
# SIGSTOP goes through the engine to PID 1, the server itself: the kernel still completes TCP
# handshakes into its listen backlog, but nothing ever answers.
kill_server "$run_id-killed" "$work/logs/kill.log"
detail="$(cat "$work/logs/kill.log")"
check "killed: the server process is gone, the container still runs" \
  eval 'grep -q "^killed" "$work/logs/kill.log" && [ "$(eng inspect --format "{{.State.Running}}" "$run_id-killed")" = true ]'
eng kill --signal SIGSTOP "$run_id-hung" >/dev/null 2>&1
detail="$(eng inspect --format '{{.State.Status}}' "$run_id-hung")"
check "hung: the server is stopped (SIGSTOP), the container still runs" \
  eval '[ "$(eng inspect --format "{{.State.Running}}" "$run_id-hung")" = true ]'
# Failures inside the start period do not count (the engine keeps "starting"): wait it out, then
# run the check `retries` times, as the engine would on its interval.
wait_s=$(( t_started + start_period_s + 2 - SECONDS ))
if [ "$wait_s" -gt 0 ]; then echo "waiting ${wait_s}s for the ${start_period_s}s start period to end"; sleep "$wait_s"; fi
broken=(killed tmp-needed worker-http hung)
if [ "$engine" = podman ]; then
  # One after another: concurrent `podman healthcheck run`s once left a container without results.
  for ((k = 0; k < retries; k++)); do
    for b in "${broken[@]}"; do trigger "$b"; done
  done
else
  for b in "${broken[@]}"; do settle "$b" unhealthy & done
  wait
fi
check "server killed: unhealthy, 'nothing accepts connections'" \
  verdict killed unhealthy 1 '^unhealthy: webhook:http ' 'nothing accepts connections on 127\.0\.0\.1:8080'
check "control: a consumer with the image's own check is unhealthy (it probes a server the consumer does not run)" \
  verdict worker-http unhealthy 1 '^unhealthy: webhook:http ' 'nothing accepts connections on 127\.0\.0\.1:8080'
check "a consumer whose /tmp is read-only: unhealthy, EROFS on /tmp" \
  verdict tmp-needed unhealthy 1 '^unhealthy: filesystem:/tmp ' 'Read-only file system'
LAST_MS=
check "server hung: unhealthy by the probe's own deadline, with its reason" \
  verdict hung unhealthy 1 '^unhealthy: webhook:http ' 'within the 3s deadline'
hung_out="$(health hung | sed -n '5,$p')"
detail="check took ${LAST_MS:-?} ms against the engine's ${hc_timeout_ms} ms timeout; log: $hung_out"
check "server hung: the probe ended the check before the engine's timeout (${LAST_MS:-?} ms < ${hc_timeout_ms} ms), no 'exceeded timeout'" \
  eval '[[ "$LAST_MS" =~ ^[0-9]+$ ]] && [ "$LAST_MS" -lt "$hc_timeout_ms" ] && ! grep -qi "exceeded timeout" <<<"$hung_out"'

# ------------------------------------------------------------------------------------------------
phase "nothing to build with, no caches"
# ------------------------------------------------------------------------------------------------
forbidden='(^|/)s?bin/(curl|wget|uv|uvx|gcc(-[0-9]+)?|cc|c\+\+|g\+\+|pip|pip3(\.[0-9]+)?)$|(^|/)\.cache(/|$)|^root/\.cache|/(site|dist)-packages/(pip|uv)/$'
listing "$dropin" >"$work/dropin.list"
found="$(grep -E "$forbidden" "$work/dropin.list" | head -n 20)"
detail="$found"
check "the drop-in holds no curl, wget, uv, uvx, gcc, pip, pip/uv cache or /root/.cache ($(wc -l <"$work/dropin.list") paths)" \
  eval '[ -s "$work/dropin.list" ] && [ -z "$found" ]'
found="$(listing "$dirty" | grep -E "$forbidden" | tr '\n' ' ')"
detail="found: $found"
check "control: the same check finds /root/.cache and ~/.cache/uv in a copy of the image that has them" \
  eval 'grep -Eq "(^| )root/\.cache/ " <<<"$found" && grep -q "home/$app_user/\.cache/uv/" <<<"$found"'
listing "$noshell" >"$work/noshell.list"
found="$(grep -E '(^|/)bin/(sh|dash|bash)$' "$work/noshell.list")"
detail="$found"
check "shell-less image really has no sh, dash or bash" eval '[ -s "$work/noshell.list" ] && [ -z "$found" ]'

# ------------------------------------------------------------------------------------------------
phase "size: the drop-in against today's image and the image before any rework, on one base"
# ------------------------------------------------------------------------------------------------
single="localhost/$run_id-single:latest"
size() { eng image inspect --format '{{.Size}}' "$1"; }
mb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1e6 }'; }
less() { awk -v n="$1" -v o="$2" 'BEGIN { printf "%.1f", (1 - n / o) * 100 }'; }
if eng_build -t "$single" -f "$here/single-stage.Dockerfile" --build-arg "BASE_IMAGE=$base_image" \
     --build-arg "PYTHON_VERSION=$py" --build-arg "VENV_EXTRAS=$venv_extras" "$service" >"$work/logs/single.log" 2>&1; then
  pass "single-stage baseline builds (tests/container/single-stage.Dockerfile)"
  listing "$single" >"$work/single.list"
  found="$(grep -E "$forbidden" "$work/single.list" | sed 's#/.*/#/…/#' | sort -u | head -n 8 | tr '\n' ' ')"
  detail="found: $found"
  check "control: the same absence check finds curl and pip in the single-stage image (and, like the old image, no gcc)" \
    eval 'grep -Eq "bin/curl$" "$work/single.list" && grep -Eq "bin/pip$" "$work/single.list" && ! grep -Eq "bin/gcc(-[0-9]+)?$" "$work/single.list"'
  new="$(size "$dropin")"; now="$(size "$today")"; old="$(size "$single")"; base_size="$(size "$base_image")"
  printf '       | image (local Debian bookworm base, %s)                       | bytes     | MB    |\n' "$engine"
  printf '       | base (debootstrap minbase + python3)                         | %9d | %5.1f |\n' "$base_size" "$(mb "$base_size")"
  printf '       | the drop-in (docker/Dockerfile)                              | %9d | %5.1f |\n' "$new" "$(mb "$new")"
  printf '       | today'"'"'s image (docker/standin/Dockerfile)                    | %9d | %5.1f |\n' "$now" "$(mb "$now")"
  printf '       | before any rework (single stage: curl, pip, chown -R; no uv) | %9d | %5.1f |\n' "$old" "$(mb "$old")"
  printf '       | venv (modelled: benchling-quilt-integration + %s) | %s bytes |\n' "$venv_extras" \
    "$(eng_run --rm --entrypoint /usr/bin/du "$dropin" -sb /app/.venv 2>/dev/null | cut -f1)"
  detail="drop-in $new bytes, today's $now bytes"
  check "the drop-in is smaller than today's image on the same base: $(less "$new" "$now") % smaller" \
    awk -v n="$new" -v o="$now" 'BEGIN { exit !(n < o) }'
  reduction="$(less "$new" "$old")"
  detail="drop-in $new bytes, single-stage $old bytes: $reduction %"
  # A lower bound for this model: uv's ~35-40 MB are missing from the old way here, and the real
  # venv is larger than the modelled one (so is its chown -R copy).
  check "the drop-in is at least 30 % smaller than the image before any rework: $reduction % (lower bound)" \
    awk -v r="$reduction" 'BEGIN { exit !(r >= 30) }'
else
  log_tail "$work/logs/single.log" 20; fail "single-stage baseline builds (tests/container/single-stage.Dockerfile)"
fi

# ------------------------------------------------------------------------------------------------
phase "transition log: one line per change in the engine's own log"
# ------------------------------------------------------------------------------------------------
# The image sets HEALTHPROBE_LOG_TO=/proc/1/fd/1: PID 1's stdout, which `logs` shows. PID 1 runs as
# the image's user (runc hands it its stdio), so the probe may write there. The server is a child of
# PID 1 here, so it can be killed and started again while the container runs.
logto_proof() {
  local name=logto c="$run_id-logto" k unhealthy again codes
  start "$name" "${ro[@]}" --entrypoint /bin/sh "$dropin" -c "$app_cmd & exec sleep infinity"
  # Only the probe's lines: the server logs to the same stdout.
  lines() { eng logs "$c" 2>&1 | grep 'healthprobe: ' || true; }
  # The server up first (asked without logging), so the first logged run is a healthy one.
  for ((k = 0; k < 30; k++)); do eng exec "$c" /usr/local/bin/healthprobe -q --log-to none && break; sleep 1; done
  settle "$name" healthy
  detail="$(lines)"
  check "transition log: the first run is one 'healthy (first run)' line in $engine logs" \
    eval '[ "$(lines | wc -l)" = 1 ] && lines | grep -q "healthprobe: healthy (first run): "'
  kill_server "$c" "$work/logs/logto-kill.log"
  for ((k = 0; k < 4; k++)); do trigger "$name"; done   # several intervals, all unhealthy
  unhealthy="$(lines | grep -c 'healthprobe: unhealthy (was healthy): webhook:http .*nothing accepts connections')"
  codes="$(eng inspect --format '{{range .State.Health.Log}}{{.ExitCode}} {{end}}' "$c" 2>&1)"
  detail="killed: $(cat "$work/logs/logto-kill.log"); stored exit codes: $codes; probe lines: $(lines)"
  # Judged by the stored exit codes (the engine keeps five): inside the start period its status need
  # not turn unhealthy.
  check "transition log: server killed, 4 failing checks, exactly one 'unhealthy (was healthy): webhook:http' line with the reason" \
    eval '[ "$unhealthy" = 1 ] && [ "$(lines | wc -l)" = 2 ] && [ "$(grep -o 1 <<<"$codes" | wc -l)" -ge 3 ]'
  eng exec -d "$c" /bin/sh -c "exec $app_cmd" >>"$work/logs/run.log" 2>&1
  for ((k = 0; k < 10; k++)); do
    sleep 1; trigger "$name"; [ "$(health "$name" | sed -n 2p)" = 0 ] && break
  done
  for ((k = 0; k < 2; k++)); do trigger "$name"; done   # healthy for a few more intervals
  again="$(lines | grep -c 'healthprobe: healthy again (was unhealthy: webhook:http): ')"
  detail="probe lines: $(lines)"
  check "transition log: server back, exactly one 'healthy again' line; three lines in all" \
    eval '[ "$again" = 1 ] && [ "$(lines | wc -l)" = 3 ]'
  printf '       | %s\n' "$(lines | cut -c1-200 | sed -n 1p)" "$(lines | cut -c1-200 | sed -n 2p)" "$(lines | cut -c1-200 | sed -n 3p)"
}
logto_proof
worker_proof

finish
