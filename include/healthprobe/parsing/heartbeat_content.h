#pragma once
// What a worker may say in its heartbeat file besides being alive: a JSON object with a "status"
// field, judged like a /health body ("fail" fails, "degraded" or an unknown word warns), and a
// "detail" (or "output") a person can read: {"status": "starting", "detail": "waiting for config"}.
// Anything else (an empty file, plain text, a JSON array) says nothing. Read like a /health body:
// a status read before the content stops being JSON (a write cut short) still counts, so a "fail"
// is never ignored.
#include <optional>
#include <string>
#include <string_view>

#include "healthprobe/core/check.h"

namespace healthprobe {

// How much of a heartbeat file is read: a status and a sentence fit many times over.
inline constexpr size_t kHeartbeatContentLimit = 4096;
// How much of the status word and the detail a report shows.
inline constexpr size_t kHeartbeatDetailLimit = 200;

struct HeartbeatContent {
  // nullopt: the content says nothing (no JSON object, or no "status" field).
  std::optional<Status> verdict;
  // The status as written, terminal-safe and cut short; for a status that is not a string, what
  // it is instead ("status is a number (42), not a word like healthy or fail").
  std::string status;
  std::string detail;  // "detail", else "output": terminal-safe, cut short, maybe empty
};

// Never throws. Reads at most the first kHeartbeatContentLimit bytes of text.
HeartbeatContent read_heartbeat_content(std::string_view text);

}  // namespace healthprobe
