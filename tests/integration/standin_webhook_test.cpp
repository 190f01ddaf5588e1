// The stand-in webhook (docker/standin), run from a real venv like the image runs it.
#include <catch2/catch.hpp>

#include "probe_runner.h"
#include "temp_dir.h"
#include "venv.h"

using namespace test_support;

namespace {
// Starts the stand-in on an ephemeral port from the venv's python; returns its port.
int start_standin(std::unique_ptr<BackgroundProcess> &server, const std::string &venv,
                  const std::string &mode) {
  EnvMap env = minimal_env();
  env["PORT"] = "0";
  env["HOST"] = "127.0.0.1";
  if (!mode.empty()) env["WEBHOOK_MODE"] = mode;
  server = std::make_unique<BackgroundProcess>(
      std::vector<std::string>{venv + "/bin/python", "-m", "src.app"}, env, standin_webhook_dir());
  const std::string line = server->read_line(std::chrono::seconds(20));
  const auto colon = line.rfind(':');
  REQUIRE(colon != std::string::npos);
  return std::stoi(line.substr(colon + 1));
}
}  // namespace

TEST_CASE("the stand-in webhook in a real venv is healthy on every health path", "[standin]") {
  TempDir dir;
  const std::string venv = dir / "venv";
  make_venv(venv, false);
  std::unique_ptr<BackgroundProcess> server;
  const int port = start_standin(server, venv, "");
  for (const char *path : {"/health", "/health/ready", "/health/live", "/dev/health"}) {
    INFO(path);
    const auto result = probe({"--url", "http://localhost:" + std::to_string(port) + path, "--venv",
                               venv, "--writable", dir.path()});
    CHECK(result.exit_code == 0);
    CHECK_THAT(first_line(result.out), Catch::StartsWith("healthy:"));
  }
  const auto missing =
      probe({"--url", "http://localhost:" + std::to_string(port) + "/nope", "--venv", "none"});
  CHECK(missing.exit_code == 1);
  CHECK_THAT(missing.out, Catch::Contains("HTTP 404"));
}

TEST_CASE("the stand-in webhook in degraded mode is degraded, exit 0, with its warning",
          "[standin]") {
  TempDir dir;
  const std::string venv = dir / "venv";
  make_venv(venv, false);
  std::unique_ptr<BackgroundProcess> server;
  const int port = start_standin(server, venv, "degraded");
  const auto result =
      probe({"--url", "http://127.0.0.1:" + std::to_string(port) + "/health", "--venv", venv});
  CHECK(result.exit_code == 0);
  CHECK_THAT(first_line(result.out), Catch::StartsWith("degraded: webhook:http"));
  CHECK_THAT(result.out,
             Catch::Contains("mode degraded") && Catch::Contains("secrets not configured"));
}
