#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "healthprobe/state/transition.h"

using namespace healthprobe;

namespace {
Observation observation(const std::string &component, const std::string &measurement, Status status,
                        const std::string &output) {
  Observation o{component, measurement};
  o.status = status;
  o.output = output;
  return o;
}

Report report_of(std::vector<Observation> observations) {
  Report report;
  report.observations = std::move(observations);
  report.time = "2026-11-30T05:00:00Z";
  return report;
}

const HealthState kHealthy{Status::Pass, {}};
}  // namespace

TEST_CASE("which runs are worth a line", "[transition]") {
  const HealthState venv{Status::Fail, {"venv:python"}};
  const HealthState http{Status::Fail, {"webhook:http"}};
  const HealthState degraded{Status::Warn, {"webhook:http"}};
  CHECK(worth_logging(Previous::FirstRun, {}, kHealthy));
  CHECK(worth_logging(Previous::Unreadable, {}, kHealthy));
  CHECK_FALSE(worth_logging(Previous::Untracked, {}, kHealthy));
  CHECK(worth_logging(Previous::Untracked, {}, degraded));
  CHECK(worth_logging(Previous::Untracked, {}, venv));
  CHECK_FALSE(worth_logging(Previous::Known, kHealthy, kHealthy));
  CHECK_FALSE(worth_logging(Previous::Known, venv, venv));
  CHECK(worth_logging(Previous::Known, venv, http));
  CHECK(worth_logging(Previous::Known, kHealthy, degraded));
  CHECK(worth_logging(Previous::Known, degraded, http));
  CHECK(worth_logging(Previous::Known, http, kHealthy));
}

TEST_CASE("the state of a run: the checks at its worst status, keys only", "[transition]") {
  const auto report = report_of({observation("venv", "python", Status::Fail, "gone"),
                                 observation("webhook", "http", Status::Warn, "slow"),
                                 observation("filesystem", "/tmp", Status::Fail, "read-only")});
  const auto state = state_of(report);
  CHECK(state.status == Status::Fail);
  CHECK(state.reasons == std::vector<std::string>{"venv:python", "filesystem:/tmp"});
  CHECK(state_of(report_of({observation("filesystem", "/tmp", Status::Pass, "ok")})) == kHealthy);
}

TEST_CASE("a text line: stamped, labelled, one line, at most 1 KiB", "[transition]") {
  const auto failing =
      report_of({observation("venv", "python", Status::Fail, "interpreter missing\n\x1b[31mFAKE")});
  const auto line = transition_line(failing, Previous::Known, kHealthy, Format::Text);
  CHECK(line ==
        "2026-11-30T05:00:00Z healthprobe: unhealthy (was healthy): venv:python interpreter "
        "missing\\x0a\\x1b[31mFAKE\n");
  const auto healthy = report_of({observation("filesystem", "/tmp", Status::Pass, "ok")});
  CHECK(transition_line(healthy, Previous::Known, HealthState{Status::Fail, {"venv:python"}},
                        Format::Text) ==
        "2026-11-30T05:00:00Z healthprobe: healthy again (was unhealthy: venv:python): 1 check "
        "passed\n");

  std::vector<Observation> many;
  for (int i = 0; i < 40; ++i)
    many.push_back(
        observation("filesystem", "/d" + std::to_string(i), Status::Fail, std::string(300, 'x')));
  for (auto format : {Format::Text, Format::Json}) {
    const auto longest = transition_line(report_of(many), Previous::FirstRun, {}, format);
    CHECK(longest.size() <= kTransitionLineLimit);
    CHECK(longest.find('\n') == longest.size() - 1);
  }
}

TEST_CASE("a JSON line: one object, invalid UTF-8 replaced", "[transition]") {
  const auto report =
      report_of({observation("webhook", "http", Status::Warn, "status \"\xff\xfe\" warn")});
  const auto line = transition_line(report, Previous::Known,
                                    HealthState{Status::Fail, {"venv:python"}}, Format::Json);
  REQUIRE(line.back() == '\n');
  const auto json = nlohmann::json::parse(line);
  CHECK(json["verdict"] == "degraded");
  CHECK(json["previous"] == "unhealthy");
  CHECK(json["previousReasons"] == nlohmann::json::array({"venv:python"}));
  CHECK(json["reasons"] == nlohmann::json::array({"webhook:http"}));
}

TEST_CASE("a healthy line counts its checks in the right number", "[transition]") {
  const auto one = report_of({observation("filesystem", "/", Status::Pass, "root is writable")});
  CHECK_THAT(transition_line(one, Previous::FirstRun, kHealthy, Format::Text),
             Catch::EndsWith("healthprobe: healthy (first run): 1 check passed\n"));
}
