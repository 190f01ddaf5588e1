#pragma once
// What the transition log remembers between runs: the last verdict and why. Parsing and
// formatting only: the state file is written by the probe but read as hostile (anyone who can
// write the state dir can put anything in it), so a bad file is simply "unknown".
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "healthprobe/core/check.h"

namespace healthprobe {

struct HealthState {
  Status status = Status::Pass;
  // The keys of the checks at the worst status ("venv:python"), in report order; empty when
  // healthy. Keys, not outputs: outputs carry timings that change every run.
  std::vector<std::string> reasons;

  bool operator==(const HealthState &other) const {
    return status == other.status && reasons == other.reasons;
  }
  bool operator!=(const HealthState &other) const { return !(*this == other); }
};

// Limits the parser enforces (and the formatter keeps to): a state file is at most this big.
inline constexpr size_t kMaxStateBytes = 4096;
inline constexpr size_t kMaxReasons = 16;
inline constexpr size_t kMaxReasonBytes = 200;

// "healthprobe-state 1\nstatus fail\nreason venv:python\nend\n". Anything after "end\n" is
// ignored: a rewrite in place that was cut short before its truncate leaves old bytes there.
std::string format_health_state(const HealthState &state);
// nullopt for anything that is not exactly what format_health_state writes.
std::optional<HealthState> parse_health_state(std::string_view text);

}  // namespace healthprobe
