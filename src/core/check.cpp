#include "healthprobe/core/check.h"

namespace healthprobe {

const char *status_word(Status status) {
  switch (status) {
    case Status::Pass:
      return "pass";
    case Status::Warn:
      return "warn";
    case Status::Fail:
      return "fail";
  }
  return "fail";
}

std::vector<Observation> Check::not_run(const std::string &why) const {
  const std::string key = name();
  const auto colon = key.find(':');
  Observation observation{key.substr(0, colon),
                          colon == std::string::npos ? "" : key.substr(colon + 1)};
  observation.status = Status::Fail;
  observation.output = why;
  return {observation};
}

}  // namespace healthprobe
