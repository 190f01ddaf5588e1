// The command-line contract, as a user and Docker see it: exit codes, messages, output size.
#include <catch2/catch.hpp>

#include "http_server.h"
#include "probe_runner.h"
#include "temp_dir.h"

#include <sys/stat.h>

using namespace test_support;

TEST_CASE("--help and --version exit 0 and say what they should", "[cli]") {
  const auto help = probe({"--help"});
  CHECK(help.exit_code == 0);
  CHECK_THAT(help.out, Catch::Contains("--url URL") && Catch::Contains("HEALTHPROBE_TIMEOUT") &&
                           Catch::Contains("64  bad usage"));
  const auto version = probe({"--version"});
  CHECK(version.exit_code == 0);
  // The version from CMake's project(VERSION) and the platform the binary was really compiled for.
  CHECK(version.out == expected_version_line() + "\n");
}

TEST_CASE("bad usage exits 64 with the offending flag or variable on stderr, nothing on stdout",
          "[cli]") {
  auto env = minimal_env();
  env["HEALTHPROBE_TIMEOUT"] = "forever";
  const auto bad_env = probe({}, env);
  CHECK(bad_env.exit_code == 64);
  CHECK_THAT(bad_env.err, Catch::Contains("HEALTHPROBE_TIMEOUT='forever'"));
  CHECK(bad_env.out.empty());

  const auto bad_flag = probe({"--colour"});
  CHECK(bad_flag.exit_code == 64);
  CHECK_THAT(bad_flag.err, Catch::Contains("unknown option '--colour'"));

  const auto secret = probe({"--header", "Authorization Bearer TOPSECRET"});
  CHECK(secret.exit_code == 64);
  CHECK_THAT(secret.err + secret.out, !Catch::Contains("TOPSECRET"));

  const auto creds = probe({"--url", "http://admin:TOPSECRET@127.0.0.1/"});
  CHECK(creds.exit_code == 64);
  CHECK_THAT(creds.err + creds.out, !Catch::Contains("TOPSECRET"));
}

TEST_CASE("a healthy run from an empty environment (env -i) exits 0", "[cli]") {
  HttpServer server;
  server.server().Get("/health", [](const httplib::Request &, httplib::Response &res) {
    res.set_content(R"({"status":"healthy"})", "application/json");
  });
  server.start();
  const auto result =
      probe({"--url", "http://127.0.0.1:" + std::to_string(server.port()) + "/health"}, {});
  CHECK(result.exit_code == 0);
  CHECK_THAT(first_line(result.out), Catch::StartsWith("healthy:"));
  CHECK(result.err.empty());
}

TEST_CASE("--quiet prints nothing and keeps the exit code", "[cli]") {
  const auto result = probe({"-q", "--url", "http://127.0.0.1:1/health", "--timeout", "1s"});
  CHECK(result.exit_code == 1);
  CHECK(result.out.empty());
  CHECK(result.err.empty());
}

TEST_CASE("stdout and stderr together stay under Docker's 4096 bytes, even verbose with 300 dirs",
          "[cli]") {
  TempDir dirs;
  std::vector<std::string> args{"--no-http", "-v"};
  for (int i = 0; i < 300; ++i) {
    const std::string dir = dirs / ("d" + std::to_string(i));
    mkdir(dir.c_str(), 0755);
    args.push_back("--writable");
    args.push_back(i == 299 ? dirs / "missing" : dir);
  }
  for (const char *format : {"text", "json"}) {
    auto with_format = args;
    with_format.push_back("--format");
    with_format.push_back(format);
    const auto result = probe(with_format);
    INFO(format);
    CHECK(result.exit_code == 1);
    CHECK(result.out.size() + result.err.size() <= 4096);
    CHECK_THAT(result.out, Catch::Contains("missing"));
  }
}

TEST_CASE("the text report leads with a verdict and lists each check", "[cli]") {
  TempDir dir;
  // --no-oom: whether the OOM count runs depends on the machine's cgroups.
  const auto result = probe({"--no-http", "--writable", dir.path(), "--no-oom"});
  CHECK(result.exit_code == 0);
  CHECK_THAT(first_line(result.out), Catch::StartsWith("healthy: 2 checks passed"));
  CHECK_THAT(result.out, Catch::Contains("pass  filesystem:" + dir.path()));
  CHECK_THAT(result.out, Catch::Contains("filesystem:/ "));
}

TEST_CASE("HEALTHPROBE_URL=none runs the other checks and no HTTP check (a worker container)",
          "[cli]") {
  TempDir dir;
  auto env = minimal_env();
  env["HEALTHPROBE_URL"] = "none";
  env["HEALTHPROBE_WRITABLE"] = dir.path();
  // Port 1: were the HTTP check still on, nothing would answer and the run would be unhealthy.
  env["PORT"] = "1";
  const auto result = probe({}, env);
  CHECK(result.exit_code == 0);
  CHECK_THAT(first_line(result.out), Catch::StartsWith("healthy:"));
  CHECK_THAT(result.out, Catch::Contains("pass  filesystem:" + dir.path()));
  CHECK_THAT(result.out, !Catch::Contains("http"));
}
