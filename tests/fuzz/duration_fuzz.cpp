// parse_duration: never throws; what it accepts is within (0, 1 h] and survives a round trip
// through format_duration, the form the probe's messages use.
#include "fuzz_support.h"
#include "healthprobe/parsing/duration.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  using namespace healthprobe;
  const auto parsed = parse_duration(fuzz::as_text(data, size));
  if (!parsed) return 0;
  FUZZ_CHECK(parsed->count() >= 1 && parsed->count() <= 3600 * 1000, "duration outside (0, 1h]");
  const std::string formatted = format_duration(*parsed);
  FUZZ_CHECK(parse_duration(formatted) == parsed, "format_duration does not parse back");
  return 0;
}
