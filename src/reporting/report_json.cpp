#include <nlohmann/json.hpp>

#include "healthprobe/reporting/report.h"
#include "healthprobe/reporting/text.h"
#include "healthprobe/version.h"

namespace healthprobe {

std::string render_json(const Report &report, size_t output_limit) {
  nlohmann::ordered_json checks = nlohmann::ordered_json::object();
  for (const auto &observation : report.observations) {
    nlohmann::ordered_json entry;
    entry["status"] = status_word(observation.status);
    if (observation.observed_value) {
      const double value = *observation.observed_value;
      // Whole numbers (bytes, milliseconds) print as integers, not 85391802368.0. Only those a
      // long long holds: casting 2^63 or more (free bytes on some FUSE mounts), inf or NaN is UB.
      constexpr double kLongLongBound = 9223372036854775808.0;  // 2^63
      if (value > -kLongLongBound && value < kLongLongBound &&
          value == static_cast<double>(static_cast<long long>(value))) {
        entry["observedValue"] = static_cast<long long>(value);
      } else {
        entry["observedValue"] = value;
      }
      entry["observedUnit"] = observation.observed_unit;
    } else if (observation.observed_text) {
      entry["observedValue"] = printable(*observation.observed_text, 40);
    }
    entry["time"] = report.time;
    entry["output"] = printable(observation.output, output_limit);
    checks[printable(observation_key(observation), 60)].push_back(entry);
  }
  nlohmann::ordered_json document;
  document["status"] = status_word(report.status());
  document["version"] = kVersion;
  document["serviceId"] = "healthprobe";
  document["description"] = std::string("container health: ") + verdict_word(report.status());
  document["checks"] = checks;
  // Bytes from a server may be invalid UTF-8: replace them rather than fail to report.
  return document.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace healthprobe
