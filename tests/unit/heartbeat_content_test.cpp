#include <catch2/catch.hpp>

#include "healthprobe/parsing/heartbeat_content.h"

using healthprobe::read_heartbeat_content;
using healthprobe::Status;

TEST_CASE("a heartbeat's status is judged like a /health body", "[heartbeat-content]") {
  CHECK(read_heartbeat_content(R"({"status":"ok"})").verdict == Status::Pass);
  CHECK(read_heartbeat_content(R"({"status":"healthy"})").verdict == Status::Pass);
  CHECK(read_heartbeat_content(R"({"status":"fail"})").verdict == Status::Fail);
  CHECK(read_heartbeat_content(R"({"status":"DOWN"})").verdict == Status::Fail);
  CHECK(read_heartbeat_content(R"({"status":"degraded"})").verdict == Status::Warn);
  CHECK(read_heartbeat_content(R"({"status":"starting"})").verdict == Status::Warn);
  CHECK(read_heartbeat_content(R"({"status":"ok","mode":"degraded"})").verdict == Status::Warn);
  const auto number = read_heartbeat_content(R"({"status":3})");
  CHECK(number.verdict == Status::Warn);
  CHECK_THAT(number.status, Catch::Contains("status is a number (3)"));
}

TEST_CASE("detail, else output, is what a person reads", "[heartbeat-content]") {
  const auto both =
      read_heartbeat_content(R"({"status":"starting","detail":"waiting for config","output":"x"})");
  CHECK(both.status == "starting");
  CHECK(both.detail == "waiting for config");
  CHECK(read_heartbeat_content(R"({"status":"fail","output":"queue unreachable"})").detail ==
        "queue unreachable");
  CHECK(read_heartbeat_content(R"({"status":"fail","detail":42})").detail.empty());
}

TEST_CASE("anything but a JSON object with a status says nothing", "[heartbeat-content]") {
  for (const char *text : {"", "alive", "1733000000", "[\"status\",\"fail\"]", R"({"detail":"x"})",
                           R"({"mode":"degraded"})", "null"}) {
    INFO(text);
    const auto content = read_heartbeat_content(text);
    CHECK_FALSE(content.verdict);
    CHECK(content.status.empty());
    CHECK(content.detail.empty());
  }
}

TEST_CASE("a write cut short still says its status: a fail is never ignored",
          "[heartbeat-content]") {
  const auto cut = read_heartbeat_content(R"({"status":"fail")");
  CHECK(cut.verdict == Status::Fail);
  CHECK(cut.status == "fail");
  // Longer than 4 KiB: only the first 4 KiB are read; the status came before the cut.
  const auto long_detail =
      read_heartbeat_content(R"({"status":"fail","detail":")" + std::string(5000, 'x') + "\"}");
  CHECK(long_detail.verdict == Status::Fail);
  CHECK(long_detail.detail.empty());  // the detail was cut, so it was never read whole
}

TEST_CASE("what a heartbeat says is terminal-safe and cut short", "[heartbeat-content]") {
  const auto escaped =
      read_heartbeat_content("{\"status\":\"fail\\u001b[2J\",\"detail\":\"\\u202eevil\\r\\n" +
                             std::string(300, 'x') + "\"}");
  CHECK(escaped.verdict == Status::Warn);  // "fail\x1b[2J" is not the word fail
  CHECK(escaped.status == "fail\\x1b[2J");
  CHECK(escaped.detail.find('\x1b') == std::string::npos);
  CHECK_THAT(escaped.detail, Catch::StartsWith("\\u202eevil\\x0d\\x0a"));
  CHECK(escaped.detail.size() <= healthprobe::kHeartbeatDetailLimit);
}
