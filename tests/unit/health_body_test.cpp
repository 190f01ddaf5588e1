#include <catch2/catch.hpp>

#include "healthprobe/parsing/health_body.h"

using healthprobe::read_health_body;
using healthprobe::Status;

TEST_CASE("healthy words pass, case-insensitively", "[body]") {
  for (const char *word : {"healthy", "ok", "pass", "UP", "alive", "Ready"}) {
    INFO(word);
    const auto body = read_health_body(std::string(R"({"status":")") + word + R"("})");
    CHECK(body.verdict == Status::Pass);
  }
}

TEST_CASE("failing words fail", "[body]") {
  for (const char *word : {"fail", "unhealthy", "DOWN", "error"}) {
    INFO(word);
    CHECK(read_health_body(std::string(R"({"status":")") + word + R"("})").verdict == Status::Fail);
  }
}

TEST_CASE("other status values and degraded mode warn", "[body]") {
  CHECK(read_health_body(R"({"status":"starting"})").verdict == Status::Warn);
  CHECK(read_health_body(R"({"status":42})").verdict == Status::Warn);
  const auto degraded = read_health_body(
      R"({"status":"healthy","mode":"degraded","warning":"secrets missing","version":"1.2.3"})");
  CHECK(degraded.verdict == Status::Warn);
  CHECK(degraded.version == std::string("1.2.3"));
  CHECK(degraded.warning == std::string("secrets missing"));
}

TEST_CASE("a status that is not a string says why it warns", "[body]") {
  struct Case {
    const char *body;
    const char *problem;
  };
  for (const auto &c : std::vector<Case>{
           {R"({"status":42})", "status is a number (42), not a word like healthy or fail"},
           {R"({"status":true})", "status is a boolean (true)"},
           {R"({"status":null})", "status is a null (null)"},
           {R"({"status":{"ok":1}})", "status is an object ({\"ok\":1})"},
           {R"({"status":["up"]})", "status is an array ([\"up\"])"},
       }) {
    INFO(c.body);
    const auto body = read_health_body(c.body);
    CHECK(body.verdict == Status::Warn);
    REQUIRE(body.status_problem);
    CHECK_THAT(*body.status_problem, Catch::StartsWith(c.problem));
  }
  CHECK_FALSE(read_health_body(R"({"status":"starting"})").status_problem);
  // A long value is cut, so the reason stays one short line.
  std::string items = "1";
  for (int i = 0; i < 2000; ++i) items += ",1";
  const auto long_value = read_health_body(R"({"status":[)" + items + "]}");
  REQUIRE(long_value.status_problem);
  CHECK(long_value.status_problem->size() < 120);
}

TEST_CASE("a failing status stays failing in degraded mode", "[body]") {
  CHECK(read_health_body(R"({"status":"down","mode":"degraded"})").verdict == Status::Fail);
}

TEST_CASE("bodies without a status, or not JSON objects, leave the verdict to the HTTP code",
          "[body]") {
  CHECK_FALSE(read_health_body(R"({"service":"x"})").verdict.has_value());
  CHECK(read_health_body(R"({"service":"x"})").is_json_object);
  for (const char *body : {"OK", "", "[1,2]", "\"healthy\"", R"({"status":"healthy")"}) {
    INFO(body);
    const auto parsed = read_health_body(body);
    CHECK_FALSE(parsed.is_json_object);
    CHECK_FALSE(parsed.verdict.has_value());
  }
}
