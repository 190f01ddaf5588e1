#pragma once
// Turns options into checks, runs them under one deadline, and prints the report.
#include <atomic>
#include <memory>
#include <vector>

#include "healthprobe/checks/mount_table_file.h"
#include "healthprobe/core/check.h"
#include "healthprobe/parsing/environment.h"
#include "healthprobe/parsing/options.h"
#include "healthprobe/reporting/report.h"

namespace healthprobe {

// Exit codes: Docker reserves 2, so a probe only ever says 0, 1 or (bad usage) 64.
inline constexpr int kExitHealthy = 0;
inline constexpr int kExitUnhealthy = 1;
inline constexpr int kExitUsage = 64;

// Local checks first: they take microseconds, so a hung server cannot starve them of the deadline.
// mounts: the run's one copy of the mount table, for the checks that may need it.
std::vector<std::unique_ptr<Check>> make_checks(const Options &options, const Environment &env,
                                                const std::shared_ptr<MountTableFile> &mounts);

// Runs each check in order; one the deadline leaves no time for is reported as failed, as is
// one that runs out of the memory budget. `running`, if given, holds the index of the check in
// progress, for the watchdog's give-up message.
Report run_checks(const std::vector<std::unique_ptr<Check>> &checks, const Deadline &deadline,
                  Interruption &interruption, std::atomic<size_t> *running = nullptr);

// The whole probe: runs, prints (unless quiet) and returns the exit code.
int run_probe(const Options &options, const Environment &env);

}  // namespace healthprobe
