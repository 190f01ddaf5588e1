#include <catch2/catch.hpp>

#include <chrono>

#include "healthprobe/parsing/file_pattern.h"

using healthprobe::file_name_matches;
using healthprobe::parse_file_pattern;

TEST_CASE("a path splits into its directory and its name; wildcards make it a glob", "[pattern]") {
  std::string why;
  const auto plain = parse_file_pattern("/dev/shm/consumer.hb", why);
  REQUIRE(plain);
  CHECK(plain->directory == "/dev/shm");
  CHECK(plain->name == "consumer.hb");
  CHECK_FALSE(plain->is_glob);
  const auto root = parse_file_pattern("/w-*", why);
  REQUIRE(root);
  CHECK(root->directory == "/");
  CHECK(root->is_glob);
  for (const char *glob : {"/d/a*", "/d/a?", "/d/[ab]", "/d/a\\*"}) {
    INFO(glob);
    REQUIRE(parse_file_pattern(glob, why));
    CHECK(parse_file_pattern(glob, why)->is_glob);
  }
  CHECK_FALSE(parse_file_pattern("/d/" + std::string(256, 'a'), why));
  CHECK_THAT(why, Catch::Contains("255"));
  CHECK_FALSE(parse_file_pattern(std::string("/d/a\0b", 6), why));
}

TEST_CASE("names match as a shell matches them", "[pattern]") {
  CHECK(file_name_matches("consumer-*.hb", "consumer-1234.hb"));
  CHECK(file_name_matches("consumer-*.hb", "consumer-.hb"));
  CHECK_FALSE(file_name_matches("consumer-*.hb", "consumer-1.hb.tmp"));
  CHECK_FALSE(file_name_matches("consumer-*.hb", "other-1.hb"));
  CHECK(file_name_matches("w-?.hb", "w-1.hb"));
  CHECK_FALSE(file_name_matches("w-?.hb", "w-12.hb"));
  CHECK(file_name_matches("w-[0-9].hb", "w-7.hb"));
  CHECK_FALSE(file_name_matches("w-[0-9].hb", "w-x.hb"));
  CHECK(file_name_matches("w-[!0-9].hb", "w-x.hb"));
  CHECK(file_name_matches("w-[^0-9].hb", "w-x.hb"));
  CHECK_FALSE(file_name_matches("w-[!0-9].hb", "w-7.hb"));
  CHECK(file_name_matches("w-[]x]", "w-]"));
  CHECK(file_name_matches("w-[a-]", "w--"));
  CHECK(file_name_matches("a\\*b", "a*b"));
  CHECK_FALSE(file_name_matches("a\\*b", "axb"));
  CHECK(file_name_matches("a[b", "a[b"));  // unclosed: a literal '['
  CHECK(file_name_matches("*", "anything"));
  CHECK(file_name_matches("**a**", "a"));
  CHECK(file_name_matches("*a*b*c", "xaybzc"));
  CHECK_FALSE(file_name_matches("*a*b*c", "xaybzcd"));
  CHECK(file_name_matches("", ""));
  CHECK_FALSE(file_name_matches("", "a"));
}

TEST_CASE("hidden files match only a pattern that starts with '.'", "[pattern]") {
  // An atomic writer's temp file (".consumer-1.hb.tmp") must never count as a heartbeat.
  CHECK_FALSE(file_name_matches("*", ".consumer-1.hb"));
  CHECK_FALSE(file_name_matches("?consumer-1.hb", ".consumer-1.hb"));
  CHECK_FALSE(file_name_matches("[.]consumer-1.hb", ".consumer-1.hb"));
  CHECK(file_name_matches(".consumer-*", ".consumer-1.hb"));
  CHECK(file_name_matches("\\.c*", ".c1"));
}

TEST_CASE("matching time stays linear: many stars against a long name", "[pattern]") {
  // A naive backtracking matcher takes exponential time here.
  const std::string pattern = std::string(100, '*') + "b";
  const std::string name(255, 'a');
  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < 100; ++i) CHECK_FALSE(file_name_matches(pattern, name));
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(5));
}
