#pragma once
// The transition log's rules, without I/O: when a run is worth a line in the container's log,
// and that line. A line is written on the first run, when the verdict changes (healthy,
// degraded, unhealthy) and when the checks at fault change; never because another interval passed.
#include <string>

#include "healthprobe/parsing/options.h"
#include "healthprobe/reporting/report.h"
#include "healthprobe/state/health_state.h"

namespace healthprobe {

// A pipe write of at most PIPE_BUF bytes is atomic; 1 KiB also keeps log drivers from splitting it.
inline constexpr size_t kTransitionLineLimit = 1024;

// What the probe knows of the previous run.
enum class Previous {
  FirstRun,    // no state file yet
  Unreadable,  // a state file that is corrupt or not ours
  Untracked,   // nowhere to keep state: every non-healthy run is logged
  Known,       // the state file's content
};

// The run's verdict and the keys of the checks at that verdict's status; a key whose observation
// counts events carries the count ("memory:oom#3"), so a rising count is a change.
HealthState state_of(const Report &report);

bool worth_logging(Previous previous, const HealthState &before, const HealthState &now);

// One line ending in '\n', at most kTransitionLineLimit bytes, terminal-safe:
//   2026-11-30T04:50:00Z healthprobe: unhealthy (was healthy): venv:python interpreter ... missing
// or with Format::Json one JSON object with time, source, verdict, previous, reasons and output.
// `before` matters only with Previous::Known.
std::string transition_line(const Report &report, Previous previous, const HealthState &before,
                            Format format);

}  // namespace healthprobe
