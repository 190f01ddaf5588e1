#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdint>

#include "healthprobe/core/text.h"
#include "healthprobe/reporting/report.h"
#include "healthprobe/version.h"

namespace healthprobe {
namespace {

// Whole numbers (bytes, milliseconds) print as integers, not 85391802368.0. The range is checked
// before any cast: converting a double outside the integer type's range is undefined behaviour,
// and free bytes on some FUSE or network filesystems reach 2^63 and beyond.
nlohmann::ordered_json json_number(double value) {
  constexpr double kTwoTo63 = 9223372036854775808.0;
  constexpr double kTwoTo64 = 18446744073709551616.0;
  if (std::isfinite(value) && value == std::floor(value)) {
    if (value >= 0 && value < kTwoTo64) return static_cast<std::uint64_t>(value);
    if (value < 0 && value >= -kTwoTo63) return static_cast<std::int64_t>(value);
  }
  return value;  // fractional, huge or not finite (nlohmann writes NaN and infinity as null)
}

}  // namespace

std::string render_json(const Report &report, size_t output_limit) {
  nlohmann::ordered_json checks = nlohmann::ordered_json::object();
  for (const auto &observation : report.observations) {
    nlohmann::ordered_json entry;
    entry["status"] = status_word(observation.status);
    if (observation.observed_value) {
      entry["observedValue"] = json_number(*observation.observed_value);
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
