#include <catch2/catch.hpp>

#include "healthprobe/parsing/url.h"

using healthprobe::parse_url;
using healthprobe::UrlError;

TEST_CASE("http URLs split into host, port and target", "[url]") {
  UrlError error;
  auto url = parse_url("http://127.0.0.1:8080/health", error);
  REQUIRE(url);
  CHECK(url->host == "127.0.0.1");
  CHECK(url->port == 8080);
  CHECK(url->target == "/health");

  url = parse_url("HTTP://LOCALHOST:81", error);
  REQUIRE(url);
  CHECK(url->target == "/");
  CHECK(url->authority() == "LOCALHOST:81");

  url = parse_url("http://[::1]:9000/dev/health?x=1#frag", error);
  REQUIRE(url);
  CHECK(url->host == "::1");
  CHECK(url->target == "/dev/health?x=1");
  CHECK(url->authority() == "[::1]:9000");

  url = parse_url("http://10.1.2.3?probe=1", error);
  REQUIRE(url);
  CHECK(url->port == 80);
  CHECK(url->target == "/?probe=1");
}

TEST_CASE("localhost means both loopback families, without NSS", "[url]") {
  UrlError error;
  const auto url = parse_url("http://localhost:8080/health", error);
  REQUIRE(url);
  CHECK(url->connect_addresses() == std::vector<std::string>{"127.0.0.1", "::1"});
  CHECK(parse_url("http://10.0.0.1/", error)->connect_addresses() ==
        std::vector<std::string>{"10.0.0.1"});
}

TEST_CASE("host names other than localhost are refused: a static probe resolves no names",
          "[url]") {
  UrlError error;
  CHECK_FALSE(parse_url("http://webhook:8080/health", error));
  CHECK_THAT(error.message, Catch::Contains("IP address or localhost"));
  CHECK_FALSE(parse_url("http://127.0.0.1.example/", error));
  CHECK(parse_url("http://[fe80::1]/", error));
}

TEST_CASE("the redacted form hides the query", "[url]") {
  UrlError error;
  const auto url = parse_url("http://127.0.0.1:8080/health?token=s3cret", error);
  REQUIRE(url);
  CHECK(url->redacted() == "http://127.0.0.1:8080/health?...");
}

TEST_CASE("bad URLs are refused with a reason that does not echo credentials", "[url]") {
  UrlError error;
  CHECK_FALSE(parse_url("https://127.0.0.1/health", error));
  CHECK_THAT(error.message, Catch::Contains("https is not supported"));
  CHECK_FALSE(parse_url("ftp://x/", error));
  CHECK_FALSE(parse_url("http://user:hunter2@127.0.0.1/", error));
  CHECK_THAT(error.message, !Catch::Contains("hunter2"));
  CHECK_THAT(error.message, Catch::Contains("credentials"));
  for (const char *bad :
       {"http://", "http://:80/", "http://host:0/", "http://host:65536/", "http://host:/",
        "http://[::1/", "http://[::1]x/", "http://127.0.0.1/a b", "127.0.0.1:8080"}) {
    INFO(bad);
    CHECK_FALSE(parse_url(bad, error));
  }
}

TEST_CASE("a target is ASCII: controls, C1 and non-UTF-8 bytes must be percent-encoded", "[url]") {
  for (const char *bad :
       {"http://127.0.0.1/he alth", "http://127.0.0.1/\x1b[2J", "http://127.0.0.1/\x7f",
        "http://127.0.0.1/\xc2\x9b"
        "2J",
        "http://127.0.0.1/\xe2\x80\xae", "http://127.0.0.1/?q=\xff",
        "http://127.0.0.1/caf\xc3\xa9"}) {
    INFO(bad);
    UrlError error;
    CHECK_FALSE(parse_url(bad, error));
    CHECK_THAT(error.message, Catch::Contains("percent-encode"));
  }
  UrlError error;
  CHECK(parse_url("http://127.0.0.1/caf%C3%A9?q=%E2%80%AE", error));
}
