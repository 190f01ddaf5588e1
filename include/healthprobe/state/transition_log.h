#pragma once
// --log-to: appends one line to a log target (typically /proc/1/fd/1, PID 1's stdout, which
// Docker, ECS and Kubernetes already collect) when the container's health changes.
//
// Never harmful: the target is opened and written without blocking (a full pipe drops the line),
// the exit code is never touched, and the whole thing is abandoned at the probe's deadline (or
// kLogGrace after the checks end, if they used the whole deadline). What went wrong is told
// under -v only.
#include <chrono>

#include "healthprobe/core/deadline.h"
#include "healthprobe/parsing/options.h"
#include "healthprobe/reporting/report.h"

namespace healthprobe {

// A run whose checks used the whole deadline (a hung server: the change most worth logging)
// still gets this long to log it. A normal log takes well under a millisecond.
inline constexpr std::chrono::milliseconds kLogGrace{50};

// Does nothing without options.log_to.
void log_transition(const Options &options, const Report &report, const Deadline &deadline);

}  // namespace healthprobe
