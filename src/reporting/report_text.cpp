#include "healthprobe/core/text.h"
#include "healthprobe/reporting/report.h"

namespace healthprobe {
namespace {

// The verdict line's reason: the first failure, else the first warning, else a count.
std::string main_reason(const Report &report, size_t output_limit) {
  const Status status = report.status();
  if (status != Status::Pass) {
    for (const auto &observation : report.observations) {
      if (observation.status == status) {
        // The key holds outside text too: a --writable dir is a name from the environment.
        return printable(observation_key(observation), 60) + " " +
               printable(observation.output, output_limit);
      }
    }
  }
  return counted(report.observations.size(), "check", "checks") + " passed in " +
         std::to_string(report.elapsed.count()) + " ms";
}

}  // namespace

std::string render_text(const Report &report, size_t output_limit) {
  std::string out =
      std::string(verdict_word(report.status())) + ": " + main_reason(report, output_limit) + "\n";
  size_t key_width = 0;
  for (const auto &observation : report.observations) {
    key_width = std::max(key_width, printable(observation_key(observation), 60).size());
  }
  key_width = std::min<size_t>(key_width, 28);
  for (const auto &observation : report.observations) {
    std::string key = printable(observation_key(observation), 60);
    if (key.size() < key_width) key.append(key_width - key.size(), ' ');
    out += std::string(status_word(observation.status)) + "  " + key + "  " +
           printable(observation.output, output_limit) + "\n";
  }
  return out;
}

}  // namespace healthprobe
