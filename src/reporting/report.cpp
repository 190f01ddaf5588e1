#include "healthprobe/reporting/report.h"

#include <array>

#include "healthprobe/core/text.h"

namespace healthprobe {

const char *verdict_word(Status status) {
  switch (status) {
    case Status::Pass:
      return "healthy";
    case Status::Warn:
      return "degraded";
    case Status::Fail:
      return "unhealthy";
  }
  return "unhealthy";
}

Status Report::status() const {
  Status worst = Status::Pass;
  for (const auto &observation : observations) {
    if (observation.status == Status::Fail) return Status::Fail;
    if (observation.status == Status::Warn) worst = Status::Warn;
  }
  return worst;
}

std::string observation_key(const Observation &observation) {
  return observation.measurement.empty() ? observation.component
                                         : observation.component + ":" + observation.measurement;
}

std::string render_within(const Report &report, Format format, size_t max_bytes) {
  const auto render = [format](const Report &r, size_t limit) {
    return format == Format::Json ? render_json(r, limit) : render_text(r, limit);
  };
  static constexpr std::array<size_t, 3> kOutputLimits = {320, 120, 48};
  for (size_t limit : kOutputLimits) {
    std::string out = render(report, limit);
    if (out.size() <= max_bytes) return out;
  }
  // Too many checks (say, dozens of --writable dirs): keep what is wrong, count what is fine.
  Report shortened = report;
  shortened.observations.clear();
  size_t passing = 0;
  for (const auto &observation : report.observations) {
    if (observation.status == Status::Pass) {
      ++passing;
    } else {
      shortened.observations.push_back(observation);
    }
  }
  Observation summary{"healthprobe", "omitted"};
  summary.output = counted(passing, "passing check", "passing checks") +
                   " not shown (report limited to " + std::to_string(max_bytes) + " bytes)";
  shortened.observations.push_back(summary);
  std::string out = render(shortened, kOutputLimits.back());
  if (out.size() <= max_bytes) return out;
  // Last resort: only the verdict line survives.
  if (format == Format::Json) {
    return std::string(R"({"status":")") + status_word(report.status()) +
           R"(","output":"report too long for the output limit"})" + "\n";
  }
  out = printable(out.substr(0, out.find('\n')), max_bytes > 1 ? max_bytes - 1 : 0);
  return out + "\n";
}

}  // namespace healthprobe
