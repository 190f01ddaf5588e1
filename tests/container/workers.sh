# shellcheck shell=bash disable=SC2154,SC2034  # sourced by run.sh: its variables ($root, $detail, ...)
# The worker containers' cases of the container proof, sourced by run.sh (its helpers: eng, start,
# trigger, health, verdict, check, skip, smoke_env, ro; its drop-in image, $dropin).
#
# The stand-in's consumers in the drop-in, each under its container's health check as
# docker/MIGRATING.md's task definition gives it (step 2), with a max age of 25 s instead of 120 s to
# stay quick; the loop keeps the service's real 20 s long polls:
# - a polling consumer is healthy across several turns of its loop (its heartbeat is touched on
#   every turn, or it would be 40 s old by the second poll);
# - a consumer waiting for its config is degraded: healthy to the engine, the reason in the log;
# - the consumer stopped with SIGSTOP (`kill -s STOP`, the loop wedged while the process lives):
#   unhealthy once its heartbeat passes the max age, exactly one log line naming its age; SIGCONT:
#   exactly one "healthy again" line. (`pause` freezes the whole container, the health check with
#   it: the engine runs no check in a paused container.)
# - a process the kernel OOM-kills in a container with --memory: degraded, logged once, where the
#   probe in the container can read its memory cgroup (else a visible skip with the probe's reason).

# The health check docker/MIGRATING.md's task definition gives the consumer MODULE's container, as
# shell words for the engine's --health-cmd (docker takes no other form), with its
# --heartbeat-max-age replaced by MAX_AGE if given. The glob is quoted: the probe expands it.
migrating_check() { # MODULE [MAX_AGE]
  node -e '
const fs = require("fs");
const { diffBlocks } = require(process.argv[1]);
const [page, module, maxAge] = process.argv.slice(2);
const diff = diffBlocks(fs.readFileSync(page, "utf8")).find((b) => b.file === "lib/fargate-service.ts");
const added = diff.text.split("\n").filter((l) => l.startsWith("+")).map((l) => l.slice(1)).join("\n");
const kind = module.replace(/_/g, "-");
const commands = [...added.matchAll(/command: (\[[^\]]*\])/g)].map((m) => JSON.parse(m[1]));
const mine = commands.filter((c) => c.includes(`/dev/shm/${kind}-*.hb`));
if (mine.length !== 1) { console.error(`MIGRATING.md: ${mine.length} health checks glob /dev/shm/${kind}-*.hb`); process.exit(1); }
const words = mine[0].slice(mine[0][0] === "CMD" ? 1 : 0);
if (maxAge) words[words.indexOf("--heartbeat-max-age") + 1] = maxAge;
console.log(words.map((w) => `'"'"'${w}'"'"'`).join(" "));
' "$root/tests/docker/unified-diff.js" "$root/docker/MIGRATING.md" "$@"
}

worker_proof() {
  phase "worker containers: the consumers' heartbeat and OOM kills"
  local max_age=25 k stopped_at elapsed codes out lines_now rc oom_line=
  local events_check waiting_check oom_check
  events_check="$(migrating_check sqs_consumer "${max_age}s")" \
    && oom_check="$(migrating_check packaging_consumer "${max_age}s")" \
    || { fail "the consumers' health checks read from docker/MIGRATING.md"; return; }
  waiting_check="$events_check"
  echo "       --health-cmd $events_check"
  # Only the probe's lines: the consumer logs to the same stdout (PID 1's, HEALTHPROBE_LOG_TO).
  probe_lines() { eng logs "$run_id-$1" 2>&1 | grep 'healthprobe: ' || true; }
  logged() { local k; for ((k = 0; k < ${3:-30}; k++)); do eng logs "$run_id-$1" 2>&1 | grep -q "$2" && return 0; sleep 1; done; return 1; }
  local hc_flags=(--health-start-period 1s)
  start w-events "${ro[@]}" "${smoke_env[@]}" --health-cmd "$events_check" "${hc_flags[@]}" "$dropin" python -m src.sqs_consumer
  start w-waiting "${ro[@]}" "${smoke_env[@]}" -e BenchlingSecret= --health-cmd "$waiting_check" "${hc_flags[@]}" \
    "$dropin" python -m src.sqs_consumer
  # No swap beyond the limit: the kernel must kill, not page out.
  start w-oom "${ro[@]}" "${smoke_env[@]}" --memory 96m --memory-swap 96m --health-cmd "$oom_check" "${hc_flags[@]}" \
    "$dropin" python -m src.packaging_consumer

  # Waiting for its config: degraded, which the engine counts as healthy; the reason in the log.
  detail="$(eng logs --tail 5 "$run_id-w-waiting" 2>&1)"
  check "worker waiting for its config: its loop says so" logged w-waiting "waiting for config (BenchlingSecret is unset)"
  trigger w-waiting
  check "worker waiting for its config: degraded (exit 0), the heartbeat says why" \
    verdict w-waiting healthy 0 '^degraded: heartbeat:/dev/shm/sqs-consumer-\*\.hb 1 match, 1 fresh \(need 1; max age 25 s\): sqs-consumer-1\.hb says "starting": waiting for config'
  detail="probe lines: $(probe_lines w-waiting)"
  check "worker waiting for its config: one 'degraded (first run)' line in $engine logs" \
    eval '[ "$(probe_lines w-waiting | wc -l)" = 1 ] && probe_lines w-waiting | grep -q "healthprobe: degraded (first run): heartbeat:/dev/shm/sqs-consumer-\*\.hb .*waiting for config"'

  # OOM: a child process of the container exceeds its memory limit.
  detail="$(eng logs --tail 5 "$run_id-w-oom" 2>&1)"
  check "OOM container (--memory 96m): the consumer polls" logged w-oom "consuming https://sqs"
  trigger w-oom
  out="$(health w-oom | sed -n '5,$p')"
  if ! grep -Eq '^pass +memory:oom ' <<<"$out"; then
    skip "OOM kill in a worker container: degraded and logged once" \
      "the probe in the container reads no OOM count: $(eng exec "$run_id-w-oom" /usr/local/bin/healthprobe --no-http --venv none --writable none -v 2>&1 | grep -m1 'memory:oom' | cut -c1-200)"
  else
    echo "       before: $(grep -E '^pass +memory:oom ' <<<"$out")"
    rc=0; eng exec "$run_id-w-oom" /app/.venv/bin/python -c '
chunks = []
while True:
    chunks.append(b"\1" * (8 << 20))  # touched pages: resident, not just reserved' >"$work/logs/oom-hog.log" 2>&1 || rc=$?
    detail="hog exit $rc: $(tail -n 2 "$work/logs/oom-hog.log")"
    check "OOM container: a process past the 96 MiB limit is killed by the kernel (exit 137), the consumer lives on" \
      eval '[ "$rc" = 137 ] && [ "$(eng inspect --format "{{.State.Running}}" "$run_id-w-oom")" = true ]'
    for ((k = 0; k < 3; k++)); do trigger w-oom; done
    check "OOM container: degraded (exit 0) with the kill and the limit" \
      verdict w-oom healthy 0 '^degraded: memory:oom 1 process in this container was OOM-killed \(memory limit 96 MiB\)'
    detail="probe lines: $(probe_lines w-oom)"
    check "OOM container: the kill logged once over three checks ('degraded (was healthy): memory:oom')" \
      eval '[ "$(probe_lines w-oom | grep -c "memory:oom")" = 1 ] && probe_lines w-oom | grep -q "healthprobe: degraded (was healthy): memory:oom 1 process"'
    oom_line="$(probe_lines w-oom | grep -m1 'memory:oom')"
  fi

  # Polling: healthy after two full turns of the real 20 s long poll (40 s: past the 25 s max age,
  # so only a heartbeat touched on every turn passes).
  detail="$(eng logs --tail 5 "$run_id-w-events" 2>&1)"
  check "polling worker: two long polls done" logged w-events "sqs_consumer: poll 2: 0 messages" 60
  trigger w-events
  check "polling worker: healthy after two 20 s turns with a 25 s max age (a heartbeat on every turn)" \
    verdict w-events healthy 0 '^healthy: ' 'pass +heartbeat:/dev/shm/sqs-consumer-\*\.hb +1 match, 1 fresh \(need 1; max age 25 s\)' \
    'pass +filesystem:/tmp '

  # The loop wedged, the process alive.
  eng kill --signal SIGSTOP "$run_id-w-events" >/dev/null 2>&1
  stopped_at=$SECONDS
  for ((k = 0; k < 40; k++)); do
    trigger w-events
    [ "$(health w-events | sed -n 2p)" = 1 ] && break
    sleep 1
  done
  elapsed=$((SECONDS - stopped_at))
  for ((k = 0; k < 3; k++)); do trigger w-events; done   # the engine's retries
  codes="$(eng inspect --format '{{range .State.Health.Log}}{{.ExitCode}} {{end}}' "$run_id-w-events" 2>&1)"
  detail="stored exit codes: $codes; probe lines: $(probe_lines w-events)"
  check "stopped worker (SIGSTOP): unhealthy ${elapsed}s after the stop (max age ${max_age}s; at most max age + 10 s)" \
    eval '[ "$elapsed" -le $((max_age + 10)) ] && verdict w-events unhealthy 1 "^unhealthy: heartbeat:/dev/shm/sqs-consumer-\*\.hb 1 match, 0 fresh \(need 1; max age 25 s\): sqs-consumer-1\.hb [0-9.]+ s old"'
  lines_now="$(probe_lines w-events)"
  detail="probe lines: $lines_now"
  check "stopped worker: exactly one 'unhealthy (was healthy)' line over four failing checks, naming the heartbeat's age" \
    eval '[ "$(grep -c "unhealthy (was healthy)" <<<"$lines_now")" = 1 ] && grep -Eq "healthprobe: unhealthy \(was healthy\): heartbeat:/dev/shm/sqs-consumer-\*\.hb .*sqs-consumer-1\.hb [0-9.]+ s old" <<<"$lines_now"'

  eng kill --signal SIGCONT "$run_id-w-events" >/dev/null 2>&1
  for ((k = 0; k < 10; k++)); do
    trigger w-events; [ "$(health w-events | sed -n 2p)" = 0 ] && break; sleep 1
  done
  for ((k = 0; k < 2; k++)); do trigger w-events; done
  lines_now="$(probe_lines w-events)"
  detail="probe lines: $lines_now"
  check "resumed worker (SIGCONT): healthy, exactly one 'healthy again' line; three lines in all" \
    eval 'verdict w-events healthy 0 "^healthy: " && [ "$(grep -c "healthy again (was unhealthy: heartbeat:" <<<"$lines_now")" = 1 ] && [ "$(wc -l <<<"$lines_now")" = 3 ]'
  printf '       | %s\n' "$(sed -n 1p <<<"$lines_now" | cut -c1-220)" "$(sed -n 2p <<<"$lines_now" | cut -c1-220)" \
    "$(sed -n 3p <<<"$lines_now" | cut -c1-220)" "${oom_line:-(no OOM line)}"
}
