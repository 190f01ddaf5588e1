#pragma once
// --log-to: appends one line to a log target (typically /proc/1/fd/1, PID 1's stdout, which
// Docker, ECS and Kubernetes already collect) when the container's health changes.
//
// Never harmful: the target is opened and written without blocking (a full pipe drops the line),
// the exit code is never touched, and a lock another run holds is waited for no later than
// lock_by. The caller's deadline keeper (runtime/deadline_keeper.h) bounds the rest: the run is
// ended with its report a grace period after the deadline, logged or not. What went wrong is told
// under -v only.
#include <chrono>

#include "healthprobe/parsing/options.h"
#include "healthprobe/reporting/report.h"

namespace healthprobe {

// Does nothing without options.log_to.
void log_transition(const Options &options, const Report &report,
                    std::chrono::steady_clock::time_point lock_by);

}  // namespace healthprobe
