#include "healthprobe/parsing/cgroup_memory.h"

#include "healthprobe/core/text.h"

namespace healthprobe {
namespace {

constexpr std::uint64_t kNoLimitFrom = std::uint64_t{1} << 60;

std::optional<std::uint64_t> parse_count(std::string_view text) {
  if (text.empty() || text.size() > 20) return std::nullopt;
  std::uint64_t value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    if (__builtin_mul_overflow(value, 10u, &value) ||
        __builtin_add_overflow(value, static_cast<unsigned>(c - '0'), &value)) {
      return std::nullopt;
    }
  }
  return value;
}

}  // namespace

bool cgroup_procs_lists(std::string_view procs, long pid) {
  if (pid <= 0) return false;
  // Only whole lines: a listing cut off at the reader's limit may end in "12" of "123".
  const auto last_newline = procs.rfind('\n');
  if (last_newline == std::string_view::npos) return false;
  for (auto line : split(procs.substr(0, last_newline), '\n')) {
    if (line.size() > 1 && line.front() == '0') continue;  // the kernel writes no leading zero
    const auto listed = parse_count(line);
    if (listed && *listed == static_cast<std::uint64_t>(pid)) return true;
  }
  return false;
}

std::optional<std::uint64_t> oom_kill_count(std::string_view events) {
  constexpr std::string_view kKey = "oom_kill ";
  for (auto line : split(events, '\n')) {
    if (line.substr(0, kKey.size()) == kKey) return parse_count(trim(line.substr(kKey.size())));
  }
  return std::nullopt;
}

std::optional<MemoryLimit> parse_memory_limit(std::string_view text) {
  text = trim(text);
  MemoryLimit limit;
  if (text == "max") {
    limit.unlimited = true;
    return limit;
  }
  const auto bytes = parse_count(text);
  if (!bytes) return std::nullopt;
  limit.unlimited = *bytes >= kNoLimitFrom;
  limit.bytes = *bytes;
  return limit;
}

}  // namespace healthprobe
