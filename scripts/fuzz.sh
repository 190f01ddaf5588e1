#!/usr/bin/env bash
# Builds the libFuzzer harnesses (the fuzz preset: clang, ASan + UBSan) and fuzzes each one for a
# bounded time, two at a time (one per core), starting from the committed corpus in tests/fuzz/corpus.
#   scripts/fuzz.sh [HARNESS...]       all harnesses, or the named ones (e.g. url options)
#   HEALTHPROBE_FUZZ_SECONDS=20        time per harness
# New inputs and crash reproducers land in build/fuzz/findings/<harness>/, never in the committed
# corpus: a crash found fails the run, and once fixed its reproducer is committed to
# tests/fuzz/corpus/<harness>/ so the dev and asan builds replay it forever.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

seconds="${HEALTHPROBE_FUZZ_SECONDS:-20}"
bash scripts/ensure-packages.sh clang libclang-rt-14-dev

if [ "$#" -gt 0 ]; then
  harnesses=("$@")
else
  mapfile -t harnesses < <(ls tests/fuzz/corpus)
fi

cmake --preset fuzz >/dev/null
cmake --build --preset fuzz
ctest --preset fuzz  # the committed corpus first, under the fuzzing build's sanitizers

findings="build/fuzz/findings"
rm -rf "$findings"
fuzz_one() {
  local harness="$1" seconds="$2" findings="$3"
  local dir="$findings/$harness"
  mkdir -p "$dir/corpus"
  local dict=()
  [ -f "tests/fuzz/dict/$harness.dict" ] && dict=("-dict=tests/fuzz/dict/$harness.dict")
  # Bounded memory is a property too: any allocation over 64 MiB, or RSS over 1 GiB (ASan
  # included), is a finding. The HTTP harness takes inputs past the 16 KiB response-head cap, so the
  # cap itself is fuzzed; -len_control=0 lets inputs reach such lengths within 20 s
  # (by default libFuzzer grows the length slowly: the HTTP harness was still at 88 bytes after 150 s).
  local max_len=4096
  [ "$harness" = http_response ] && max_len=20000
  if "build/fuzz/tests/fuzz/fuzz_$harness" "${dict[@]}" -max_total_time="$seconds" -max_len="$max_len" -len_control=0 \
    -timeout=10 -rss_limit_mb=1024 -malloc_limit_mb=64 -print_final_stats=1 \
    -artifact_prefix="$dir/" "$dir/corpus" "tests/fuzz/corpus/$harness" >"$dir/log" 2>&1; then
    local runs speed
    runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log")"
    speed="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$dir/log")"
    printf 'fuzz: %-14s %9s runs in %ss (%s/s), no findings\n' "$harness" "$runs" "$seconds" "$speed"
  else
    printf 'fuzz: %-14s FOUND A BUG: reproducer in %s, log below\n' "$harness" "$dir"
    tail -n 60 "$dir/log"
    return 1
  fi
}
export -f fuzz_one
printf '%s\n' "${harnesses[@]}" | xargs -P 2 -I{} bash -c 'fuzz_one "$@"' _ {} "$seconds" "$findings"
