#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "healthprobe/reporting/report.h"
#include "terminal_safety.h"

using healthprobe::Format;
using healthprobe::Observation;
using healthprobe::Report;
using healthprobe::Status;

namespace {
Observation make(const char *component, const char *measurement, Status status,
                 std::string output) {
  Observation o(component, measurement);
  o.status = status;
  o.output = std::move(output);
  return o;
}

Report sample(Status http_status) {
  Report report;
  report.time = "2026-11-30T00:00:00Z";
  report.elapsed = std::chrono::milliseconds(4);
  auto http = make("webhook", "http", http_status, "HTTP 200 in 3 ms");
  http.observed_value = 3;
  http.observed_unit = "ms";
  report.observations.push_back(http);
  auto python = make("venv", "python", Status::Pass, "Python 3.11.2 at /usr/bin/python3.11");
  python.observed_text = "3.11.2";
  report.observations.push_back(python);
  report.observations.push_back(make("filesystem", "/tmp", Status::Pass, "writable, 1.0 GiB free"));
  return report;
}
}  // namespace

TEST_CASE("the worst observation decides the report's status", "[report]") {
  CHECK(sample(Status::Pass).status() == Status::Pass);
  CHECK(sample(Status::Warn).status() == Status::Warn);
  CHECK(sample(Status::Fail).status() == Status::Fail);
}

TEST_CASE("text: a verdict line with the main reason, then one line per check", "[report]") {
  const std::string healthy = healthprobe::render_text(sample(Status::Pass), 200);
  CHECK(healthy.rfind("healthy: 3 checks passed in 4 ms\n", 0) == 0);
  CHECK_THAT(healthy, Catch::Contains("pass  venv:python"));
  auto failing = sample(Status::Fail);
  failing.observations[0].output = "nothing accepts connections on 127.0.0.1:8080";
  const std::string unhealthy = healthprobe::render_text(failing, 200);
  CHECK(unhealthy.rfind("unhealthy: webhook:http nothing accepts connections on 127.0.0.1:8080\n",
                        0) == 0);
  CHECK(healthprobe::render_text(sample(Status::Warn), 200).rfind("degraded: webhook:http", 0) ==
        0);
}

TEST_CASE("json: application/health+json shape", "[report]") {
  const auto json = nlohmann::json::parse(healthprobe::render_json(sample(Status::Warn), 200));
  CHECK(json["status"] == "warn");
  CHECK(json["version"].is_string());
  const auto &http = json["checks"]["webhook:http"][0];
  CHECK(http["status"] == "warn");
  CHECK(http["observedValue"] == 3);
  CHECK(http["observedUnit"] == "ms");
  CHECK(http["time"] == "2026-11-30T00:00:00Z");
  CHECK(http["output"] == "HTTP 200 in 3 ms");
  CHECK(json["checks"]["venv:python"][0]["observedValue"] == "3.11.2");
  CHECK(json["checks"].contains("filesystem:/tmp"));
}

TEST_CASE("json stays valid with invalid UTF-8 and control bytes from a server", "[report]") {
  auto report = sample(Status::Pass);
  report.observations[0].output = "status \"\xff\xfe\" \x01\x02 done";
  CHECK_NOTHROW(nlohmann::json::parse(healthprobe::render_json(report, 200)));
}

TEST_CASE("reports always fit the byte budget, verdict first, in both formats", "[report]") {
  Report big;
  big.time = "2026-11-30T00:00:00Z";
  for (int i = 0; i < 200; ++i) {
    big.observations.push_back(make("filesystem", ("/data/dir" + std::to_string(i)).c_str(),
                                    i == 150 ? Status::Fail : Status::Pass, std::string(500, 'x')));
  }
  for (auto format : {Format::Text, Format::Json}) {
    const std::string out = healthprobe::render_within(big, format, 4096);
    CHECK(out.size() <= 4096);
    if (format == Format::Text) {
      CHECK(out.rfind("unhealthy: filesystem:/data/dir150", 0) == 0);
      CHECK_THAT(out, Catch::Contains("199 passing checks not shown"));
    } else {
      const auto json = nlohmann::json::parse(out);
      CHECK(json["status"] == "fail");
      CHECK(json["checks"].contains("filesystem:/data/dir150"));
    }
  }
  // Even a budget too small for any rendering still gets a verdict.
  const std::string tiny = healthprobe::render_within(big, Format::Text, 40);
  CHECK(tiny.size() <= 40);
  CHECK(tiny.rfind("unhealthy", 0) == 0);
}

namespace {
// The hostile report below holds no text that should survive as non-ASCII: every byte of a
// safe rendering is printable ASCII or the report's own newline (has_control_or_non_ascii).
Report hostile() {
  Report report;
  report.time = "2026-11-30T00:00:00Z";
  // A --writable dir and a server's words, each carrying CSI (C1), an override and a stray byte.
  report.observations.push_back(make("filesystem",
                                     "/tmp/\xc2\x9b"
                                     "31m\xe2\x80\xae\xff",
                                     Status::Fail, "cannot create a file"));
  report.observations.push_back(make("webhook", "http", Status::Warn,
                                     "HTTP 200; status \"\x1b]0;pwned\x07\xc2\x9b"
                                     "2J\xe2\x81\xa6\""));
  return report;
}
}  // namespace

TEST_CASE("the text report shows every outside control escaped, the key included", "[report]") {
  const std::string out = render_within(hostile(), Format::Text, 4096);
  CHECK_FALSE(test_support::has_control_or_non_ascii(out));
  CHECK_THAT(out, Catch::StartsWith("unhealthy: filesystem:/tmp/\\u009b31m\\u202e\\xff "));
  CHECK_THAT(out, Catch::Contains("status \"\\x1b]0;pwned\\x07\\u009b2J\\u2066\""));
}

TEST_CASE("the JSON report carries the same escaped text, safe raw and after decoding",
          "[report]") {
  const std::string out = render_within(hostile(), Format::Json, 4096);
  CHECK_FALSE(test_support::has_control_or_non_ascii(out));
  // What `jq -r` would print is as safe as the text report: the escapes are literal text.
  const auto document = nlohmann::json::parse(out);
  const std::string key = "filesystem:/tmp/\\u009b31m\\u202e\\xff";
  REQUIRE(document["checks"].contains(key));
  const std::string output = document["checks"]["webhook:http"][0]["output"];
  CHECK(output == "HTTP 200; status \"\\x1b]0;pwned\\x07\\u009b2J\\u2066\"");
  CHECK_FALSE(test_support::has_control_or_non_ascii(output));
}

TEST_CASE("json: observed values at and past 2^63 print exactly, with no undefined cast",
          "[report]") {
  // Free bytes on some FUSE and network filesystems: 2^63 does not fit a long long.
  auto report = sample(Status::Pass);
  report.observations[0].observed_value = 9223372036854775808.0;  // 2^63
  std::string text = healthprobe::render_json(report, 200);
  CHECK_THAT(text, Catch::Contains("\"observedValue\":9223372036854775808,"));
  report.observations[0].observed_value = 18446744073709549568.0;  // the largest double below 2^64
  text = healthprobe::render_json(report, 200);
  CHECK_THAT(text, Catch::Contains("\"observedValue\":18446744073709549568,"));
  report.observations[0].observed_value = 1e300;  // past every integer type: stays a double
  CHECK(nlohmann::json::parse(healthprobe::render_json(
            report, 200))["checks"]["webhook:http"][0]["observedValue"] == 1e300);
  report.observations[0].observed_value = -5;
  CHECK_THAT(healthprobe::render_json(report, 200), Catch::Contains("\"observedValue\":-5,"));
  report.observations[0].observed_value = 2.5;
  CHECK_THAT(healthprobe::render_json(report, 200), Catch::Contains("\"observedValue\":2.5,"));
}

TEST_CASE("one check is one check: counts agree with their nouns", "[report]") {
  Report one;
  one.observations.push_back(make("filesystem", "/", Status::Pass, "root filesystem is writable"));
  CHECK_THAT(render_text(one, 120), Catch::StartsWith("healthy: 1 check passed in "));
  Report two = one;
  two.observations.push_back(make("filesystem", "/tmp", Status::Pass, "writable"));
  CHECK_THAT(render_text(two, 120), Catch::StartsWith("healthy: 2 checks passed in "));
  // A budget too small for the one passing check beside a failure: it is summarised.
  Report squeezed;
  squeezed.observations.push_back(make("webhook", "http", Status::Fail, std::string(400, 'x')));
  const std::string long_dir = "/" + std::string(50, 'd');
  squeezed.observations.push_back(
      make("filesystem", long_dir.c_str(), Status::Pass, std::string(400, 'y')));
  bool summarised = false;
  for (size_t budget = 100; budget < 400 && !summarised; ++budget) {
    const std::string out = healthprobe::render_within(squeezed, Format::Text, budget);
    if (out.find("passing check") == std::string::npos) continue;
    summarised = true;
    INFO(out);
    CHECK_THAT(out, Catch::Contains("1 passing check not shown"));
  }
  CHECK(summarised);
}
