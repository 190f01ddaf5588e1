#include "healthprobe/parsing/process_start.h"

#include "healthprobe/core/text.h"

namespace healthprobe {

std::optional<std::uint64_t> start_ticks_of(std::string_view proc_pid_stat) {
  const size_t close = proc_pid_stat.rfind(')');
  if (close == std::string_view::npos) return std::nullopt;
  // After "PID (COMM)" come field 3 (state) onwards: field 22 is the 20th of them.
  constexpr size_t kStartTimeIndex = 22 - 3;
  size_t index = 0;
  for (auto field : split(trim(proc_pid_stat.substr(close + 1)), ' ')) {
    if (index++ != kStartTimeIndex) continue;
    if (field.empty() || field.size() > 19) return std::nullopt;  // 19 digits cannot overflow
    std::uint64_t ticks = 0;
    for (const char c : field) {
      if (c < '0' || c > '9') return std::nullopt;
      ticks = ticks * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return ticks;
  }
  return std::nullopt;
}

std::optional<std::chrono::milliseconds> uptime_of(std::string_view proc_uptime) {
  // "SECONDS.HUNDREDTHS IDLE": digits, a point, digits; nothing else is read.
  const std::string_view first = proc_uptime.substr(0, proc_uptime.find(' '));
  const size_t point = first.find('.');
  const std::string_view whole = first.substr(0, point);
  if (whole.empty() || whole.size() > 12) return std::nullopt;
  long long ms = 0;
  for (const char c : whole) {
    if (c < '0' || c > '9') return std::nullopt;
    ms = ms * 10 + (c - '0');
  }
  ms *= 1000;
  if (point != std::string_view::npos) {
    long long scale = 100;
    for (const char c : first.substr(point + 1)) {
      if (c < '0' || c > '9') return std::nullopt;
      ms += (c - '0') * scale;
      scale /= 10;
    }
  }
  return std::chrono::milliseconds(ms);
}

std::optional<std::chrono::milliseconds> started_ago(std::uint64_t start_ticks,
                                                     long ticks_per_second,
                                                     std::chrono::milliseconds uptime) {
  if (ticks_per_second <= 0) return std::nullopt;
  const auto tps = static_cast<std::uint64_t>(ticks_per_second);
  if (start_ticks / tps > static_cast<std::uint64_t>(uptime.count()) / 1000 + 1)
    return std::nullopt;
  const std::uint64_t started_at = start_ticks / tps * 1000 + start_ticks % tps * 1000 / tps;
  const auto started_at_ms = static_cast<long long>(started_at);   // after boot
  if (started_at_ms > uptime.count() + 1000) return std::nullopt;  // started after "now"
  return std::chrono::milliseconds(started_at_ms > uptime.count() ? 0
                                                                  : uptime.count() - started_at_ms);
}

}  // namespace healthprobe
