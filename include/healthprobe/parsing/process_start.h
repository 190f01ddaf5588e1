#pragma once
// How long ago a process started, from the kernel's text: /proc/PID/stat's start time (field 22,
// in clock ticks since boot) and /proc/uptime (seconds since boot). The heartbeat check asks it of
// PID 1, the container's first process, so "no heartbeat yet" can tell a slow start from a dead
// loop.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace healthprobe {

// Field 22 of /proc/PID/stat. The second field, the command name, is in parentheses and may hold
// spaces and parentheses itself, so the fields are counted from the last ')'.
std::optional<std::uint64_t> start_ticks_of(std::string_view proc_pid_stat);

// The first number of /proc/uptime ("2718.60 4037.12"), in milliseconds.
std::optional<std::chrono::milliseconds> uptime_of(std::string_view proc_uptime);

// How long ago a process that started start_ticks after boot did, given the uptime and the
// kernel's clock ticks per second; nullopt when the figures contradict each other.
std::optional<std::chrono::milliseconds> started_ago(std::uint64_t start_ticks,
                                                     long ticks_per_second,
                                                     std::chrono::milliseconds uptime);

}  // namespace healthprobe
