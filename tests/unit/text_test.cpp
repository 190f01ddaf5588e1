#include <catch2/catch.hpp>

#include "healthprobe/reporting/text.h"

using healthprobe::printable;
using healthprobe::split;

TEST_CASE("printable replaces control characters and cuts at a UTF-8 boundary", "[text]") {
  CHECK(printable("a\nb\x1b[31m", 100) == "a?b?[31m");
  CHECK(printable("abcdefghij", 6) == "abc...");
  // "é" is two bytes: a cut inside it backs up to before it.
  const std::string cut = printable("abcdé-rest-of-it", 8);
  CHECK(cut == "abcd...");
}

TEST_CASE("integers in a range: digits only, bounds inclusive, no overflow", "[text]") {
  CHECK(healthprobe::parse_int_in_range("8080", 1, 65535) == 8080);
  CHECK(healthprobe::parse_int_in_range("1", 1, 65535) == 1);
  CHECK(healthprobe::parse_int_in_range("65535", 1, 65535) == 65535);
  for (const char *bad :
       {"", "0", "65536", "-1", "+1", " 1", "1 ", "1e3", "99999999999999999999"}) {
    INFO(bad);
    CHECK_FALSE(healthprobe::parse_int_in_range(bad, 1, 65535).has_value());
  }
}

TEST_CASE("split keeps empty items between separators", "[text]") {
  CHECK(split("", ':').empty());
  CHECK(split("a::b", ':') == std::vector<std::string_view>{"a", "", "b"});
  CHECK(split("/tmp", ':') == std::vector<std::string_view>{"/tmp"});
}
