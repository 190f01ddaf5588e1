#pragma once
// The --verbose debug log: spdlog to stderr, capped so that log and report together stay
// inside the 4096 bytes Docker keeps of a health check's output.
#include <cstddef>

namespace healthprobe {

// Docker keeps this much of a health check's stdout and stderr together.
inline constexpr size_t kOutputLimit = 4096;
// The most the debug log may take of it; the report gets the rest.
inline constexpr size_t kLogLimit = 1024;

// Off unless verbose; when on, debug lines go to stderr until kLogLimit bytes are written.
void configure_logging(bool verbose);
// How many bytes the log has written so far.
size_t logged_bytes();

}  // namespace healthprobe
