#pragma once
// Runs the probe binary under test as a real process. HEALTHPROBE_TEST_BIN overrides the binary,
// so the same suite runs against the static release build.
#include <string>
#include <vector>

#include "process.h"

namespace test_support {

std::string probe_binary();
std::string python3();              // the interpreter that makes the test venvs
std::string standin_webhook_dir();  // docker/example-webhook

// Runs the probe with args and env (nothing else inherited), killed if it outlives 30 s.
ProcessResult probe(const std::vector<std::string> &args, const EnvMap &env = minimal_env());

// A run of the probe with its own peak resident memory, measured through a tiny launcher
// (peak_rss_launcher.cpp says why the test process cannot measure it itself).
struct MeasuredRun {
  ProcessResult result;
  long peak_rss_kib = -1;
};
MeasuredRun probe_measured(const std::vector<std::string> &args, const EnvMap &env = minimal_env());

// The first line of a report: the verdict.
std::string first_line(const std::string &text);

}  // namespace test_support
