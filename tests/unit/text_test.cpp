#include <catch2/catch.hpp>

#include "healthprobe/text.h"

using healthprobe::printable;
using healthprobe::split;

TEST_CASE("printable replaces control characters and cuts at a UTF-8 boundary", "[text]") {
  CHECK(printable("a\nb\x1b[31m", 100) == "a?b?[31m");
  CHECK(printable("abcdefghij", 6) == "abc...");
  // "é" is two bytes: a cut inside it backs up to before it.
  const std::string cut = printable("abcdé-rest-of-it", 8);
  CHECK(cut == "abcd...");
}

TEST_CASE("split keeps empty items between separators", "[text]") {
  CHECK(split("", ':').empty());
  CHECK(split("a::b", ':') == std::vector<std::string_view>{"a", "", "b"});
  CHECK(split("/tmp", ':') == std::vector<std::string_view>{"/tmp"});
}
