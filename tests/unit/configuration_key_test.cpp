// The state file's name: one per configuration that decides a verdict, the same for runs that
// differ only in how they print, and never derived from a secret.
#include <catch2/catch.hpp>

#include <map>
#include <set>

#include "healthprobe/state/configuration_key.h"

using namespace healthprobe;

namespace {
Options parsed(const std::vector<std::string> &args) {
  const ParsedCommand command =
      parse_command_line(args, Environment(std::map<std::string, std::string>{
                                   {"PORT", "8080"}, {"VIRTUAL_ENV", "/opt/venv"}}));
  REQUIRE(command.command == Command::Check);
  return command.options;
}
}  // namespace

TEST_CASE("each configuration that decides a verdict has its own state file", "[state]") {
  const std::vector<std::vector<std::string>> configurations = {
      {},
      {"--venv", "none"},
      {"--venv", "/app/.venv"},
      {"--venv", "/app/.venv", "--require", "flask"},
      {"--url", "http://127.0.0.1:8080/health/ready"},
      {"--url", "http://127.0.0.1:8081/health"},
      {"--no-http"},
      {"--writable", "/tmp", "--writable", "/data"},
      {"--writable", "none"},
      {"--min-free", "1GiB"},
      {"--timeout", "5s"},
      {"--expect-status", "200,503"},
      {"--header", "X-Probe: 1"},
      {"--log-to", "/tmp/other.log"},
  };
  std::set<std::string> names;
  for (const auto &args : configurations) names.insert(state_file_name(parsed(args), 1000));
  CHECK(names.size() == configurations.size());
  CHECK(state_file_name(parsed({}), 1000) != state_file_name(parsed({}), 0));  // per user too
  CHECK_THAT(state_file_name(parsed({}), 1000), Catch::Matches("healthprobe-[0-9a-f]{8}\\.state"));
}

TEST_CASE("output options and secrets do not change the state file", "[state]") {
  const std::string base = state_file_name(parsed({"--header", "Authorization: Bearer one"}), 0);
  // The same checks, printed differently.
  CHECK(state_file_name(parsed({"--header", "Authorization: Bearer one", "-v", "--format", "json",
                                "--log-format", "json"}),
                        0) == base);
  // A header value and a URL query may be credentials: the name depends on neither.
  CHECK(state_file_name(parsed({"--header", "Authorization: Bearer two"}), 0) == base);
  CHECK(state_file_name(parsed({"--url", "http://127.0.0.1:8080/health?token=a"}), 0) ==
        state_file_name(parsed({"--url", "http://127.0.0.1:8080/health?token=b"}), 0));
}
