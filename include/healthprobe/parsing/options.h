#pragma once
// The command line and HEALTHPROBE_* variables, parsed into one validated Options value.
// Parsing never touches the network or the filesystem: it only decides what to check.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "healthprobe/parsing/environment.h"
#include "healthprobe/parsing/file_pattern.h"
#include "healthprobe/parsing/status_ranges.h"
#include "healthprobe/parsing/url.h"

namespace healthprobe {

enum class Format { Text, Json };

struct Options {
  std::optional<Url> url;  // nullopt with --no-http
  std::chrono::milliseconds timeout{2000};
  StatusRanges expect_status = *StatusRanges::parse("200-299");
  std::vector<std::pair<std::string, std::string>> headers;
  std::optional<std::string> venv;  // nullopt: no venv check
  std::vector<std::string> require;
  std::vector<std::string> writable{"/tmp"};
  std::uint64_t min_free = 0;
  Format format = Format::Text;
  std::optional<std::string> log_to;  // --log-to: where health changes are appended; nullopt: off
  Format log_format = Format::Text;   // --log-format
  std::optional<std::string> state_dir;  // --state-dir: nullopt picks /dev/shm or a --writable dir
  std::vector<FilePattern> heartbeats;   // --heartbeat: none, no heartbeat check
  std::chrono::milliseconds heartbeat_max_age{60000};
  int heartbeat_min = 1;  // fresh files each glob must match
  bool oom = true;        // --no-oom, HEALTHPROBE_OOM=off: no OOM-kill count
  bool quiet = false;
  bool verbose = false;
};

enum class Command { Check, Help, Version, UsageError };

struct ParsedCommand {
  Command command = Command::Check;
  Options options;
  std::string error;  // with UsageError: names the flag or variable, never a header's value
};

// args excludes argv[0]. A flag beats its environment variable; repeatable flags accumulate.
ParsedCommand parse_command_line(const std::vector<std::string> &args, const Environment &env);

// The --help text: synopsis, flags with their variables and defaults, exit codes.
const char *usage_text();

}  // namespace healthprobe
