#pragma once
// Defence in depth for the container the probe runs in: its address space is capped, so a parser
// bug that allocates without bound fails this run cleanly ("probe ran out of its 128 MiB memory
// budget", exit 1) instead of growing until the container's memory cgroup kills the probe or the
// application. Measured use is a few MiB (bench/); the rest is margin for the watchdog thread's
// stack and the binary's own mappings.
#include <cstddef>

namespace healthprobe {

inline constexpr size_t kMemoryBudgetMiB = 128;

// Caps RLIMIT_AS at the budget (never raising a lower limit already set). Skipped in sanitizer
// builds, which reserve terabytes of address space for their shadow memory. Returns whether the
// cap is in force.
bool cap_memory();

// What the report says when an allocation fails under the cap: a literal, since nothing more can
// be allocated to say it.
const char *out_of_memory_message();

}  // namespace healthprobe
