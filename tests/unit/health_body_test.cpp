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
  for (const char *body : {"OK", "", "[1,2]", "\"healthy\"", R"({"healthy")"}) {
    INFO(body);
    const auto parsed = read_health_body(body);
    CHECK_FALSE(parsed.is_json_object);
    CHECK_FALSE(parsed.unreadable.empty());
    CHECK_FALSE(parsed.verdict.has_value());
  }
}

TEST_CASE("what Python's json.dumps writes by default is read: NaN, Infinity, lone surrogates",
          "[body]") {
  // json.dumps(allow_nan=True, ensure_ascii=True): the defaults of the webhook's own framework.
  for (const char *body :
       {R"({"status": "fail", "latency": NaN})", R"({"latency": Infinity, "status": "fail"})",
        R"({"latency": -Infinity, "status": "fail", "load": [NaN, 1e400]})",
        R"({"note": "\ud800", "status": "fail"})",
        R"({"note": "\udc00\ud83d", "status": "fail"})"}) {
    INFO(body);
    const auto parsed = read_health_body(body);
    CHECK(parsed.is_json_object);
    CHECK(parsed.unreadable.empty());
    CHECK(parsed.verdict == Status::Fail);
  }
  const auto nan = read_health_body(R"({"status": NaN})");
  REQUIRE(nan.status_problem);
  CHECK_THAT(*nan.status_problem, Catch::StartsWith("status is a number (NaN)"));
}

TEST_CASE("invalid UTF-8 inside a string does not hide the status", "[body]") {
  const auto before = read_health_body("{\"note\": \"caf\xe9\", \"status\": \"fail\"}");
  CHECK(before.is_json_object);
  CHECK(before.verdict == Status::Fail);
  const auto inside = read_health_body("{\"status\": \"fail\xff\", \"version\": \"1.\xc0\"}");
  CHECK(inside.status == std::string("fail\xff"));
  CHECK(inside.version == std::string("1.\xc0"));
  CHECK(inside.verdict == Status::Warn);  // not a word the probe knows
}

TEST_CASE("escapes are decoded, so a key or status written with them still counts", "[body]") {
  const auto parsed =
      read_health_body(R"({"st\u0061tus": "\u0046AIL", "version": "1\/2 \u00e9\ud83d\ude00"})");
  CHECK(parsed.verdict == Status::Fail);
  CHECK(parsed.version == std::string("1/2 \xc3\xa9\xf0\x9f\x98\x80"));
  // A lone surrogate becomes U+FFFD, as Python's surrogatepass would not: it is never raw UTF-16.
  CHECK(read_health_body(R"({"version": "a\ud800b"})").version == std::string("a\xef\xbf\xbd"
                                                                              "b"));
}

TEST_CASE("a status read before the body stops being JSON still decides", "[body]") {
  for (const char *body : {R"({"status":"fail", "detail": oops})", R"({"status":"fail", "x": [1,2)",
                           R"({"status":"fail"} trailing)", R"({"status":"fail",)"}) {
    INFO(body);
    const auto parsed = read_health_body(body);
    CHECK_FALSE(parsed.is_json_object);
    CHECK_FALSE(parsed.unreadable.empty());
    CHECK(parsed.verdict == Status::Fail);
  }
  // Nothing read before the break: the HTTP status decides, and the reason is given.
  const auto garbage = read_health_body(R"({oops "status":"fail"})");
  CHECK_FALSE(garbage.verdict);
  CHECK_THAT(garbage.unreadable, Catch::Contains("byte 2"));
}

TEST_CASE("only top-level fields count", "[body]") {
  const auto nested =
      read_health_body(R"({"checks": {"db": {"status": "fail"}}, "status": "pass"})");
  CHECK(nested.verdict == Status::Pass);
  const auto only_nested = read_health_body(R"({"checks": [{"status": "fail"}]})");
  CHECK(only_nested.is_json_object);
  CHECK_FALSE(only_nested.verdict);
}

TEST_CASE("a body nested 32000 deep is read without recursion and bounded in what it keeps",
          "[body]") {
  // Fits 64 KiB; rendered recursively it needed about 7.5 MiB of stack.
  const size_t depth = 32000;
  const std::string deep =
      R"({"status":)" + std::string(depth, '[') + std::string(depth, ']') + "}";
  const auto parsed = read_health_body(deep);
  CHECK(parsed.is_json_object);
  CHECK(parsed.verdict == Status::Warn);
  REQUIRE(parsed.status_problem);
  CHECK_THAT(*parsed.status_problem, Catch::StartsWith("status is an array ([[[[["));
  CHECK(parsed.status_problem->size() < 120);

  // Deep content before the status does not hide it.
  const std::string before =
      R"({"x":)" + std::string(depth, '[') + std::string(depth, ']') + R"(, "status": "fail"})";
  CHECK(read_health_body(before).verdict == Status::Fail);
  // An object nested as deep, with members, too.
  std::string objects = R"({"status":"fail","x":)";
  for (size_t i = 0; i < 10000; ++i) objects += R"({"a":)";
  objects += "1" + std::string(10000, '}') + "}";
  CHECK(read_health_body(objects).verdict == Status::Fail);
}

TEST_CASE("a status that is not a string is shown compactly, whitespace outside strings dropped",
          "[body]") {
  const auto parsed = read_health_body("{\"status\": {\"ok\" :\n 1, \"why\": \"a b\"}}");
  REQUIRE(parsed.status_problem);
  CHECK_THAT(*parsed.status_problem,
             Catch::StartsWith(R"(status is an object ({"ok":1,"why":"a b"}))"));
}
