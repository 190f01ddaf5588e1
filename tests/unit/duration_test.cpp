#include <catch2/catch.hpp>

#include "healthprobe/parsing/duration.h"

using healthprobe::parse_duration;
using std::chrono::milliseconds;

TEST_CASE("durations accept ms, s, m and bare seconds", "[duration]") {
  CHECK(parse_duration("250ms") == milliseconds(250));
  CHECK(parse_duration("2s") == milliseconds(2000));
  CHECK(parse_duration("1.5s") == milliseconds(1500));
  CHECK(parse_duration("1m") == milliseconds(60000));
  CHECK(parse_duration("3") == milliseconds(3000));
  CHECK(parse_duration("0.25") == milliseconds(250));
  CHECK(parse_duration("60m") == milliseconds(3600000));
  CHECK(parse_duration("1h") == milliseconds(3600000));  // the usage message's own upper bound
  CHECK(parse_duration("0.5h") == milliseconds(1800000));
}

TEST_CASE("durations refuse zero, negatives, junk and more than an hour", "[duration]") {
  for (const char *bad : {"", "0", "0s", "-1s", "2 s", "2h", "1.01h", "h", "s", "ms", "1.2.3s",
                          "61m", "2sec", "0.0001s"}) {
    INFO(bad);
    CHECK_FALSE(parse_duration(bad).has_value());
  }
}

TEST_CASE("durations format back to the shortest unit", "[duration]") {
  CHECK(healthprobe::format_duration(milliseconds(2000)) == "2s");
  CHECK(healthprobe::format_duration(milliseconds(250)) == "250ms");
  CHECK(healthprobe::format_duration(milliseconds(120000)) == "2m");
  CHECK(healthprobe::format_duration(milliseconds(3600000)) == "1h");
}

TEST_CASE("durations out of any range are refused, never thrown", "[duration]") {
  const std::string huge(400, '9');                                 // overflows a double
  const std::string tiny = "0." + std::string(400, '0') + "1";      // underflows past denormals
  const std::string denormal = "0." + std::string(315, '0') + "1";  // a denormal double
  for (const std::string &bad : {huge, huge + "s", huge + "ms", tiny, tiny + "m", denormal,
                                 std::string("1") + std::string(30, '0') + "ms"}) {
    INFO(bad.size() << " bytes");
    std::optional<milliseconds> parsed;
    CHECK_NOTHROW(parsed = parse_duration(bad));
    CHECK_FALSE(parsed.has_value());
  }
  // Leading zeros and long fractions are still numbers.
  CHECK(parse_duration(std::string(300, '0') + "2s") == milliseconds(2000));
  CHECK(parse_duration("1." + std::string(300, '0') + "s") == milliseconds(1000));
}
