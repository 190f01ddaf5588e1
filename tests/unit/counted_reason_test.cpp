// A finding that counts events (OOM kills so far) is a new reason when its count changes: the
// transition log then writes a line for a rising count, and none while the count stands still.
#include <catch2/catch.hpp>

#include "healthprobe/state/health_state.h"
#include "healthprobe/state/transition.h"

using namespace healthprobe;

namespace {
Report oom_report(std::optional<std::uint64_t> killed, Status http = Status::Pass) {
  Report report;
  Observation web{"webhook", "http"};
  web.status = http;
  web.output = http == Status::Pass ? "HTTP 200" : "nothing accepts connections";
  Observation oom{"memory", "oom"};
  if (killed) {
    oom.status = *killed == 0 ? Status::Pass : Status::Warn;
    if (*killed > 0) oom.event_count = *killed;
    oom.output = std::to_string(*killed) + " processes in this container were OOM-killed";
  }
  report.observations = {web, oom};
  report.time = "2026-11-30T05:00:00Z";
  return report;
}
}  // namespace

TEST_CASE("a rising OOM count is a change worth a line; a steady one is not", "[transition]") {
  const HealthState none = state_of(oom_report(0));
  const HealthState one = state_of(oom_report(1));
  const HealthState three = state_of(oom_report(3));
  CHECK(none.status == Status::Pass);
  CHECK(one.reasons == std::vector<std::string>{"memory:oom#1"});
  CHECK(three.reasons == std::vector<std::string>{"memory:oom#3"});
  CHECK(worth_logging(Previous::Known, none, one));
  CHECK(worth_logging(Previous::Known, one, three));
  CHECK_FALSE(worth_logging(Previous::Known, three, state_of(oom_report(3))));
  // The count survives the state file, so the next run compares against it.
  const auto stored = parse_health_state(format_health_state(three));
  REQUIRE(stored);
  CHECK(*stored == three);
  CHECK_FALSE(worth_logging(Previous::Known, *stored, state_of(oom_report(3))));
  CHECK(worth_logging(Previous::Known, *stored, state_of(oom_report(4))));
}

TEST_CASE("the line names the count it was and the count it is", "[transition]") {
  const std::string line =
      transition_line(oom_report(4), Previous::Known, state_of(oom_report(3)), Format::Text);
  CHECK_THAT(line, Catch::Contains("healthprobe: degraded (was degraded: memory:oom#3): "
                                   "memory:oom 4 processes in this container were OOM-killed"));
}

TEST_CASE("while something else fails, the failure is the reason, not the count", "[transition]") {
  const HealthState failing = state_of(oom_report(3, Status::Fail));
  CHECK(failing.reasons == std::vector<std::string>{"webhook:http"});
}
