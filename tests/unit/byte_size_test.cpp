#include <catch2/catch.hpp>

#include "healthprobe/parsing/byte_size.h"

using healthprobe::parse_byte_size;

TEST_CASE("sizes are bytes or binary multiples", "[size]") {
  CHECK(parse_byte_size("0") == 0u);
  CHECK(parse_byte_size("512") == 512u);
  CHECK(parse_byte_size("64KiB") == 64u * 1024);
  CHECK(parse_byte_size("64 KiB") == 64u * 1024);
  CHECK(parse_byte_size("10MiB") == 10u * 1024 * 1024);
  CHECK(parse_byte_size("1gib") == 1024u * 1024 * 1024);
  CHECK(parse_byte_size("3G") == 3ULL << 30);
}

TEST_CASE("ambiguous or malformed sizes are refused", "[size]") {
  for (const char *bad : {"", "MiB", "10MB", "10KB", "-1", "1.5MiB", "12 TiB",
                          "99999999999999999999", "17179869184GiB"}) {
    INFO(bad);
    CHECK_FALSE(parse_byte_size(bad).has_value());
  }
}

TEST_CASE("sizes format for people", "[size]") {
  CHECK(healthprobe::format_byte_size(512) == "512 B");
  CHECK(healthprobe::format_byte_size(64 * 1024) == "64.0 KiB");
  CHECK(healthprobe::format_byte_size(1536ULL * 1024 * 1024) == "1.5 GiB");
}
