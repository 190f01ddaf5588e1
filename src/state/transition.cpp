#include "healthprobe/state/transition.h"

#include <array>
#include <nlohmann/json.hpp>

#include "healthprobe/core/text.h"

namespace healthprobe {
namespace {

// How much of the previous run's reasons the context names ("was unhealthy: venv:python").
constexpr size_t kPreviousReasonsLimit = 200;

// "healthy", "unhealthy (was healthy: ...)" style words for what came before.
std::string previous_word(Previous previous, const HealthState &before) {
  switch (previous) {
    case Previous::FirstRun:
      return "first run";
    case Previous::Unreadable:
      return "unknown";
    case Previous::Untracked:
      return "untracked";
    case Previous::Known:
      return verdict_word(before.status);
  }
  return "unknown";
}

std::string context(Previous previous, const HealthState &before) {
  switch (previous) {
    case Previous::FirstRun:
      return "first run";
    case Previous::Unreadable:
      return "previous state unreadable";
    case Previous::Untracked:
      return "no state kept: logged every time";
    case Previous::Known:
      break;
  }
  std::string out = std::string("was ") + verdict_word(before.status);
  if (!before.reasons.empty())
    out += ": " + printable(join(before.reasons, ", "), kPreviousReasonsLimit);
  return out;
}

// What is wrong (each check at the verdict's status, with its output), or what is right.
std::string details(const Report &report, size_t output_limit) {
  const Status status = report.status();
  if (status == Status::Pass)
    return counted(report.observations.size(), "check", "checks") + " passed";
  std::string out;
  for (const auto &observation : report.observations) {
    if (observation.status != status) continue;
    if (!out.empty()) out += "; ";
    out += printable(observation_key(observation), kMaxReasonBytes);
    if (output_limit > 0) out += " " + printable(observation.output, output_limit);
  }
  return out;
}

std::string text_line(const Report &report, Previous previous, const HealthState &before,
                      size_t output_limit) {
  const Status status = report.status();
  const bool again =
      status == Status::Pass && previous == Previous::Known && before.status != Status::Pass;
  return printable(report.time, 40) + " healthprobe: " + verdict_word(status) +
         (again ? " again" : "") + " (" + context(previous, before) +
         "): " + details(report, output_limit) + "\n";
}

std::string json_line(const Report &report, Previous previous, const HealthState &before,
                      size_t output_limit) {
  nlohmann::ordered_json line;
  line["time"] = printable(report.time, 40);
  line["source"] = "healthprobe";
  line["verdict"] = verdict_word(report.status());
  line["previous"] = previous_word(previous, before);
  if (previous == Previous::Known && output_limit > 0) line["previousReasons"] = before.reasons;
  line["reasons"] = state_of(report).reasons;
  line["output"] = details(report, output_limit);
  return line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace

HealthState state_of(const Report &report) {
  HealthState state;
  state.status = report.status();
  if (state.status == Status::Pass) return state;
  for (const auto &observation : report.observations) {
    if (observation.status != state.status) continue;
    if (state.reasons.size() == kMaxReasons) break;
    // The same transformation the state file keeps, so a stored key compares equal to a new one.
    state.reasons.push_back(printable(observation_key(observation), kMaxReasonBytes));
  }
  return state;
}

bool worth_logging(Previous previous, const HealthState &before, const HealthState &now) {
  switch (previous) {
    case Previous::FirstRun:
    case Previous::Unreadable:
      return true;
    case Previous::Untracked:
      return now.status != Status::Pass;
    case Previous::Known:
      return before != now;
  }
  return true;
}

std::string transition_line(const Report &report, Previous previous, const HealthState &before,
                            Format format) {
  // Detail goes first, then every output; the verdict and the keys stay.
  static constexpr std::array<size_t, 4> kOutputLimits = {320, 120, 40, 0};
  std::string line;
  for (size_t limit : kOutputLimits) {
    line = format == Format::Json ? json_line(report, previous, before, limit)
                                  : text_line(report, previous, before, limit);
    if (line.size() <= kTransitionLineLimit) return line;
  }
  if (format == Format::Json) {
    nlohmann::ordered_json shortest;
    shortest["time"] = printable(report.time, 40);
    shortest["source"] = "healthprobe";
    shortest["verdict"] = verdict_word(report.status());
    shortest["previous"] = previous_word(previous, before);
    shortest["output"] = "too many checks at fault to list in one line";
    return shortest.dump() + "\n";
  }
  return printable(line, kTransitionLineLimit - 1) + "\n";
}

}  // namespace healthprobe
