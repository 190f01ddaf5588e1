// cpp-httplib's status line, parsed by hand since scripts/patches/ (no std::regex compiled in
// every process): what it accepts and reads, and, over many mutated lines, exactly what the regex
// it replaced accepted and read.
#include <httplib.h>
#include <catch2/catch.hpp>

#include <random>
#include <regex>
#include <string>
#include <vector>

namespace {
const std::regex &replaced_regex() {
  static const std::regex status_line("(HTTP/1\\.[01]) (\\d{3})(?: (.*?))?\r?\n");
  return status_line;
}

struct Parsed {
  bool accepted = false;
  httplib::Response response;
};

Parsed parse(const std::string &line) {
  Parsed parsed;
  parsed.accepted = httplib::detail::parse_status_line(line.c_str(), parsed.response);
  return parsed;
}
}  // namespace

TEST_CASE("status lines the probe meets are read: version, code, reason", "[status_line]") {
  auto ok = parse("HTTP/1.1 200 OK\r\n");
  REQUIRE(ok.accepted);
  CHECK(ok.response.version == "HTTP/1.1");
  CHECK(ok.response.status == 200);
  CHECK(ok.response.reason == "OK");

  auto bare = parse("HTTP/1.0 503\n");  // no reason, LF only
  REQUIRE(bare.accepted);
  CHECK(bare.response.version == "HTTP/1.0");
  CHECK(bare.response.status == 503);
  CHECK(bare.response.reason.empty());

  auto spaced = parse("HTTP/1.1 204 No Content here\r\n");
  REQUIRE(spaced.accepted);
  CHECK(spaced.response.reason == "No Content here");
  CHECK(parse("HTTP/1.1 200 \r\n").accepted);  // an empty reason after the space
  CHECK(parse("HTTP/1.1 099 x\r\n").response.status == 99);
}

TEST_CASE("malformed status lines are refused and leave the response alone", "[status_line]") {
  for (const std::string line :
       {"", "\r\n", "HTTP/1.1 200 OK", "HTTP/1.1 200 OK\r", "HTTP/1.2 200 OK\r\n",
        "HTTP/2.0 200 OK\r\n", "http/1.1 200 OK\r\n", "HTTP/1.1 20 OK\r\n", "HTTP/1.1 2000 OK\r\n",
        "HTTP/1.1 20x OK\r\n", "HTTP/1.1  200 OK\r\n", "HTTP/1.1 200OK\r\n", "HTTP/1.1 200\tOK\r\n",
        "HTTP/1.1 200 O\rK\r\n", "HTTP/1.1 200 OK\r\r\n", "HTTP/1.1 200 OK\r\nX",
        "HTTP/1.1 200 OK\n\n", " HTTP/1.1 200 OK\r\n",
        "HTTP/1.1 \xd9\xa0\xd9\xa0\xd9\xa0 OK\r\n"}) {
    INFO(line);
    const auto parsed = parse(line);
    CHECK_FALSE(parsed.accepted);
    CHECK(parsed.response.status == -1);
    CHECK(parsed.response.version.empty());
  }
  // A NUL ends the line, as it ended the C string the regex matched.
  CHECK_FALSE(parse(std::string("HTTP/1.1 200 OK\0\r\n", 18)).accepted);
}

TEST_CASE("over 200,000 mutated lines, the parser and the replaced regex agree exactly",
          "[status_line]") {
  const std::vector<std::string> seeds{"HTTP/1.1 200 OK\r\n", "HTTP/1.0 404\n",
                                       "HTTP/1.1 100 Continue\r\n", "HTTP/1.1 204 \r\n"};
  const std::string alphabet = std::string("HTP/1.0 29OK\r\n\t\x7f\x80\xff", 19);
  std::mt19937 random(20261130);  // fixed: a failure reproduces
  int accepted = 0;
  for (int round = 0; round < 200000; ++round) {
    std::string line = seeds[random() % seeds.size()];
    const int edits = 1 + static_cast<int>(random() % 3);
    for (int edit = 0; edit < edits; ++edit) {
      const size_t at = random() % (line.size() + 1);
      const char byte = alphabet[random() % alphabet.size()];
      switch (random() % 3) {
        case 0:
          line.insert(line.begin() + static_cast<std::ptrdiff_t>(at), byte);
          break;
        case 1:
          if (at < line.size()) line.erase(at, 1);
          break;
        default:
          if (at < line.size()) line[at] = byte;
          break;
      }
    }
    const auto parsed = parse(line);
    std::cmatch match;
    const bool matched = std::regex_match(line.c_str(), match, replaced_regex());
    if (parsed.accepted != matched) FAIL("disagree on: " << line);
    if (!matched) continue;
    ++accepted;
    if (parsed.response.version != match[1].str() ||
        parsed.response.status != std::stoi(match[2].str()) ||
        parsed.response.reason != match[3].str())
      FAIL("read differently: " << line);
  }
  CHECK(accepted > 1000);  // the sweep reached accepted lines, not only refusals
}
