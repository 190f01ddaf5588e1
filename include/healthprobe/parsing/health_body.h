#pragma once
// Reads a health endpoint's JSON body: {"status": ..., "version": ..., "mode": ..., "warning":
// ...}. The body is read as leniently as Python's json module reads it (NaN, Infinity and
// -Infinity; lone surrogate escapes), since the webhook is a Python service, and invalid UTF-8 in a
// string is kept as bytes: none of that may hide the service's own "status": "fail".
//
// No recursion and no document tree: the reader walks the body once, keeps only the top-level
// fields above, and skips everything else, however deep or wide, in constant memory.
#include <optional>
#include <string>
#include <string_view>

#include "healthprobe/core/check.h"

namespace healthprobe {

struct HealthBody {
  // The whole body is one JSON object (read as Python would).
  bool is_json_object = false;
  // Why it is not, "" when it is: "ends early at byte 19", "is a JSON array, not an object".
  std::string unreadable;
  std::optional<std::string> status;  // the raw "status" field, when it is a string
  // Why a "status" that is not a string warns: "status is a number (42), not a word".
  std::optional<std::string> status_problem;
  std::optional<std::string> version;
  std::optional<std::string> mode;
  std::optional<std::string> warning;
  // What the body says on its own: pass, warn (unknown status, degraded mode) or fail. nullopt
  // when no "status" field was read: the HTTP status decides. A field read before the point where
  // a body stops being JSON (or is cut at the read limit) counts: a broken body can still say
  // "fail", and a "pass" from it says no more than the HTTP status already did.
  std::optional<Status> verdict;
};

// Never throws, never recurses.
HealthBody read_health_body(std::string_view body);

}  // namespace healthprobe
