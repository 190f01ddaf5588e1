#pragma once
// Reads a health endpoint's JSON body: {"status": ..., "version": ..., "mode": ..., "warning":
// ...}.
#include <optional>
#include <string>
#include <string_view>

#include "healthprobe/core/check.h"

namespace healthprobe {

struct HealthBody {
  bool is_json_object = false;
  std::optional<std::string> status;  // the raw "status" field, when it is a string
  // Why a "status" that is not a string warns: "status is a number (42), not a word".
  std::optional<std::string> status_problem;
  std::optional<std::string> version;
  std::optional<std::string> mode;
  std::optional<std::string> warning;
  // What the body says on its own: pass, warn (unknown status, degraded mode) or fail.
  // nullopt when the body has no "status" field, or is not JSON: the HTTP status decides.
  std::optional<Status> verdict;
};

// Never throws; a body that is not a JSON object (or was cut short) yields is_json_object=false.
HealthBody read_health_body(std::string_view body);

}  // namespace healthprobe
