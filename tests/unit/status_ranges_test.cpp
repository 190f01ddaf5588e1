#include <catch2/catch.hpp>

#include "healthprobe/parsing/status_ranges.h"

using healthprobe::StatusRanges;

TEST_CASE("status lists mix codes and ranges", "[status]") {
  const auto ranges = StatusRanges::parse("200,204, 300-399");
  REQUIRE(ranges);
  CHECK(ranges->contains(200));
  CHECK(ranges->contains(204));
  CHECK_FALSE(ranges->contains(201));
  CHECK(ranges->contains(300));
  CHECK(ranges->contains(399));
  CHECK_FALSE(ranges->contains(400));
}

TEST_CASE("the default list is the 2xx range", "[status]") {
  const auto ranges = StatusRanges::parse("200-299");
  REQUIRE(ranges);
  CHECK(ranges->contains(299));
  CHECK_FALSE(ranges->contains(302));
  CHECK_FALSE(ranges->contains(199));
}

TEST_CASE("malformed status lists are refused", "[status]") {
  for (const char *bad :
       {"", ",", "200,", "abc", "99", "600", "299-200", "200-", "-200", "2000", "20x"}) {
    INFO(bad);
    CHECK_FALSE(StatusRanges::parse(bad).has_value());
  }
}
