// The worker settings of the CLI contract: --heartbeat (repeatable, HEALTHPROBE_HEARTBEAT split on
// ':'), --heartbeat-max-age, --heartbeat-min, --no-oom / HEALTHPROBE_OOM.
#include <catch2/catch.hpp>

#include "healthprobe/parsing/options.h"

using healthprobe::Command;
using healthprobe::Environment;
using healthprobe::parse_command_line;

namespace {
healthprobe::ParsedCommand parse(std::vector<std::string> args,
                                 std::map<std::string, std::string> env = {}) {
  return parse_command_line(args, Environment(std::move(env)));
}

std::vector<std::string> texts(const healthprobe::Options &options) {
  std::vector<std::string> out;
  for (const auto &pattern : options.heartbeats) out.push_back(pattern.text);
  return out;
}
}  // namespace

TEST_CASE("worker defaults: no heartbeat, 60 s, one fresh file, OOM count on", "[options]") {
  const auto parsed = parse({});
  REQUIRE(parsed.command == Command::Check);
  CHECK(parsed.options.heartbeats.empty());
  CHECK(parsed.options.heartbeat_max_age == std::chrono::seconds(60));
  CHECK(parsed.options.heartbeat_min == 1);
  CHECK(parsed.options.oom);
}

TEST_CASE("--heartbeat repeats, its variable splits on ':', none turns it off", "[options]") {
  const auto flags = parse({"--heartbeat", "/dev/shm/a.hb", "--heartbeat=/dev/shm/w-*.hb"});
  REQUIRE(flags.command == Command::Check);
  CHECK(texts(flags.options) == std::vector<std::string>{"/dev/shm/a.hb", "/dev/shm/w-*.hb"});
  CHECK_FALSE(flags.options.heartbeats[0].is_glob);
  CHECK(flags.options.heartbeats[1].is_glob);
  CHECK(flags.options.heartbeats[1].directory == "/dev/shm");
  CHECK(flags.options.heartbeats[1].name == "w-*.hb");

  const auto env = parse({}, {{"HEALTHPROBE_HEARTBEAT", "/dev/shm/sqs.hb:/run/pack-?.hb"}});
  CHECK(texts(env.options) == std::vector<std::string>{"/dev/shm/sqs.hb", "/run/pack-?.hb"});
  // A flag beats the variable; "none" by hand turns off what the image set.
  CHECK(texts(parse({"--heartbeat", "/x.hb"}, {{"HEALTHPROBE_HEARTBEAT", "/y.hb"}}).options) ==
        std::vector<std::string>{"/x.hb"});
  const auto off = parse({"--heartbeat", "none"}, {{"HEALTHPROBE_HEARTBEAT", "/dev/shm/a.hb"},
                                                   {"HEALTHPROBE_HEARTBEAT_MIN", "2"}});
  REQUIRE(off.command == Command::Check);
  CHECK(off.options.heartbeats.empty());
}

TEST_CASE("a heartbeat path is absolute, plain, with wildcards only in its name", "[options]") {
  struct Case {
    const char *path;
    const char *why;
  };
  for (const auto &c : std::vector<Case>{
           {"dev/shm/a.hb", "must be an absolute path"},
           {"/dev/shm/", "must name a file"},
           {"/dev//shm/a.hb", "empty component"},
           {"/dev/shm/../etc/a.hb", "'..' component"},
           {"/dev/shm/./a.hb", "'..' component"},
           {"/dev/*/a.hb", "only the file name may hold one"},
           {"/dev/sh[m]/a.hb", "only the file name may hold one"},
       }) {
    INFO(c.path);
    const auto parsed = parse({"--heartbeat", c.path});
    REQUIRE(parsed.command == Command::UsageError);
    CHECK_THAT(parsed.error, Catch::Contains("--heartbeat='") && Catch::Contains(c.why));
  }
  const auto env = parse({}, {{"HEALTHPROBE_HEARTBEAT", "/dev/shm/a.hb::/dev/shm/b.hb"}});
  REQUIRE(env.command == Command::UsageError);
  CHECK_THAT(env.error, Catch::Contains("HEALTHPROBE_HEARTBEAT=''") && Catch::Contains("empty"));
}

TEST_CASE("--heartbeat-max-age and --heartbeat-min: flags, variables, ranges", "[options]") {
  const auto flags = parse(
      {"--heartbeat", "/dev/shm/w-*.hb", "--heartbeat-max-age", "30s", "--heartbeat-min", "3"});
  REQUIRE(flags.command == Command::Check);
  CHECK(flags.options.heartbeat_max_age == std::chrono::seconds(30));
  CHECK(flags.options.heartbeat_min == 3);
  const auto env = parse({}, {{"HEALTHPROBE_HEARTBEAT", "/dev/shm/w-*.hb"},
                              {"HEALTHPROBE_HEARTBEAT_MAX_AGE", "2m"},
                              {"HEALTHPROBE_HEARTBEAT_MIN", "2"}});
  REQUIRE(env.command == Command::Check);
  CHECK(env.options.heartbeat_max_age == std::chrono::minutes(2));
  CHECK(env.options.heartbeat_min == 2);

  for (const char *bad : {"0", "-1", "257", "2.5", "", "x"}) {
    INFO(bad);
    const auto parsed = parse({"--heartbeat", "/dev/shm/w-*.hb", "--heartbeat-min", bad});
    REQUIRE(parsed.command == Command::UsageError);
    CHECK_THAT(parsed.error, Catch::Contains("--heartbeat-min='") && Catch::Contains("1 to 256"));
  }
  for (const char *bad : {"0", "2h", "soon", "-5s"}) {
    INFO(bad);
    const auto parsed =
        parse({"--heartbeat", "/dev/shm/a.hb"}, {{"HEALTHPROBE_HEARTBEAT_MAX_AGE", bad}});
    REQUIRE(parsed.command == Command::UsageError);
    CHECK_THAT(parsed.error, Catch::Contains("HEALTHPROBE_HEARTBEAT_MAX_AGE='"));
  }
}

TEST_CASE("heartbeat tuning without a heartbeat: an error as a flag, ignored from the image",
          "[options]") {
  const auto flag = parse({"--heartbeat-max-age", "30s"});
  REQUIRE(flag.command == Command::UsageError);
  CHECK_THAT(flag.error, Catch::Contains("--heartbeat-max-age needs a file to judge"));
  // One environment for every container of a task: the web container has no heartbeat.
  CHECK(parse({}, {{"HEALTHPROBE_HEARTBEAT_MAX_AGE", "30s"}, {"HEALTHPROBE_HEARTBEAT_MIN", "2"}})
            .command == Command::Check);
}

TEST_CASE("--heartbeat-min above 1 needs a glob: a plain path is one file", "[options]") {
  const auto parsed = parse({"--heartbeat", "/dev/shm/a.hb", "--heartbeat-min", "2"});
  REQUIRE(parsed.command == Command::UsageError);
  CHECK_THAT(parsed.error, Catch::Contains("every heartbeat path is one file"));
  CHECK(parse({"--heartbeat", "/dev/shm/a.hb", "--heartbeat", "/dev/shm/w-*.hb", "--heartbeat-min",
               "2"})
            .command == Command::Check);
}

TEST_CASE("--no-oom and HEALTHPROBE_OOM=off turn the OOM count off; other words are errors",
          "[options]") {
  CHECK_FALSE(parse({"--no-oom"}).options.oom);
  CHECK_FALSE(parse({}, {{"HEALTHPROBE_OOM", "off"}}).options.oom);
  CHECK(parse({}, {{"HEALTHPROBE_OOM", "on"}}).options.oom);
  CHECK_FALSE(parse({"--no-oom"}, {{"HEALTHPROBE_OOM", "on"}}).options.oom);
  const auto bad = parse({}, {{"HEALTHPROBE_OOM", "false"}});
  REQUIRE(bad.command == Command::UsageError);
  CHECK_THAT(bad.error, Catch::Contains("HEALTHPROBE_OOM='false' must be on or off"));
}

TEST_CASE("--help lists the worker flags with their variables", "[options]") {
  const std::string help = healthprobe::usage_text();
  for (const char *word : {"--heartbeat PATH", "HEALTHPROBE_HEARTBEAT (:)", "--heartbeat-max-age",
                           "HEALTHPROBE_HEARTBEAT_MAX_AGE", "--heartbeat-min",
                           "HEALTHPROBE_HEARTBEAT_MIN", "--no-oom", "HEALTHPROBE_OOM=off"}) {
    CHECK_THAT(help, Catch::Contains(word));
  }
}
