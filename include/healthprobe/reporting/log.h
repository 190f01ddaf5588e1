#pragma once
// The --verbose debug log: spdlog to stderr, capped so that log and report together stay
// inside the 4096 bytes Docker keeps of a health check's output.
#include <spdlog/spdlog.h>

#include <cstddef>
#include <utility>

namespace healthprobe {

// Docker keeps this much of a health check's stdout and stderr together.
inline constexpr size_t kOutputLimit = 4096;
// The most the debug log may take of it; the report gets the rest.
inline constexpr size_t kLogLimit = 1024;

// Off unless verbose; when on, debug lines go to stderr until kLogLimit bytes are written.
void configure_logging(bool verbose);
// Whether configure_logging(true) ran.
bool debug_logging();
// How many bytes the log has written so far.
size_t logged_bytes();

// A debug line, only with --verbose. A quiet run never touches spdlog: its registry builds a
// default logger (a colour sink that asks whether stdout is a terminal, a pattern formatter) on
// first use and tears it down at exit, a cost every probe run would pay for lines nobody sees.
template <typename... Args>
void log_debug(spdlog::format_string_t<Args...> format, Args &&...args) {
  if (debug_logging()) spdlog::debug(format, std::forward<Args>(args)...);
}

}  // namespace healthprobe
