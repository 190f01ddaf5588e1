#pragma once
// What a memory cgroup's files say, from their text: the OOM-kill counter (v2 memory.events,
// v1 memory.oom_control: both "key value" lines) and the memory limit (v2 memory.max,
// v1 memory.limit_in_bytes).
#include <cstdint>
#include <optional>
#include <string_view>

namespace healthprobe {

// The "oom_kill N" line's N; nullopt when there is none (a kernel before 4.13 has no v1 counter)
// or it is not a decimal number that fits 64 bits.
std::optional<std::uint64_t> oom_kill_count(std::string_view events);

struct MemoryLimit {
  bool unlimited = false;
  std::uint64_t bytes = 0;  // with !unlimited
};

// Whether a cgroup.procs file (one decimal process ID per line, as the kernel writes it: no sign,
// padding or leading zero, each line ended by a newline) lists pid. A last line without its
// newline is not counted: it may be a longer number cut off.
bool cgroup_procs_lists(std::string_view procs, long pid);

// "max" (v2) or a byte count; v1 writes "no limit" as the largest page-aligned count near 2^63,
// so any count of 2^60 or more (an exbibyte) is taken as no limit. nullopt for anything else.
std::optional<MemoryLimit> parse_memory_limit(std::string_view text);

}  // namespace healthprobe
