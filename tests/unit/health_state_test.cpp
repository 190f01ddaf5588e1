#include <catch2/catch.hpp>

#include "healthprobe/state/health_state.h"

using healthprobe::format_health_state;
using healthprobe::HealthState;
using healthprobe::parse_health_state;
using healthprobe::Status;

TEST_CASE("a state survives formatting and parsing", "[health_state]") {
  HealthState failing{Status::Fail, {"venv:python", "filesystem:/tmp dir with spaces"}};
  CHECK(parse_health_state(format_health_state(failing)) == failing);
  HealthState healthy{Status::Pass, {}};
  CHECK(format_health_state(healthy) == "healthprobe-state 1\nstatus pass\nend\n");
  CHECK(parse_health_state(format_health_state(healthy)) == healthy);
}

TEST_CASE("bytes after end are ignored: a rewrite cut short before its truncate",
          "[health_state]") {
  const auto parsed =
      parse_health_state("healthprobe-state 1\nstatus warn\nreason webhook:http\nend\nreason x\n");
  REQUIRE(parsed);
  CHECK(parsed->status == Status::Warn);
  CHECK(parsed->reasons == std::vector<std::string>{"webhook:http"});
}

TEST_CASE("anything else is not a state", "[health_state]") {
  const std::vector<std::string> bad = {
      "",
      "healthprobe-state 1\nstatus pass\n",                       // no end
      "healthprobe-state 2\nstatus pass\nend\n",                  // another version
      "healthprobe-state 1\nstatus sick\nend\n",                  // unknown status
      "healthprobe-state 1\nstatus fail\nend\n",                  // failing without a reason
      "healthprobe-state 1\nstatus pass\nreason a\nend\n",        // healthy with a reason
      "healthprobe-state 1\nstatus fail\nreason \x1b[2J\nend\n",  // control characters
      "healthprobe-state 1\nstatus fail\nreason \nend\n",         // empty reason
      "healthprobe-state 1\nstatus fail\nbogus a\nend\n",
      "healthprobe-state 1\r\nstatus pass\r\nend\r\n",
      std::string("healthprobe-state 1\nstatus fail\nreason ") + std::string(201, 'k') + "\nend\n",
      std::string("healthprobe-state 1\nstatus pass\nend\n") + std::string(5000, ' '),  // too big
  };
  for (const auto &text : bad) {
    INFO(text);
    CHECK_FALSE(parse_health_state(text));
  }
  std::string many = "healthprobe-state 1\nstatus fail\n";
  for (int i = 0; i < 17; ++i) many += "reason r" + std::to_string(i) + "\n";
  CHECK_FALSE(parse_health_state(many + "end\n"));
}
