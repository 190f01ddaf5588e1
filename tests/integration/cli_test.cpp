// The command-line contract, as a user and Docker see it: exit codes, messages, output size.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "http_server.h"
#include "probe_runner.h"
#include "skip.h"
#include "temp_dir.h"

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
  const auto result = probe({"--no-http", "--writable", dir.path()});
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

namespace {
// A healthy server, the probe's arguments for it, and what stays true however stdout behaves.
struct HealthyServer {
  HttpServer server;
  HealthyServer() {
    server.server().Get("/health", [](const httplib::Request &, httplib::Response &res) {
      res.set_content(R"({"status":"healthy"})", "application/json");
    });
    server.start();
  }
  std::vector<std::string> argv(std::vector<std::string> extra) const {
    auto argv = probe_command();
    argv.insert(argv.end(),
                {"--url", "http://127.0.0.1:" + std::to_string(server.port()) + "/health"});
    argv.insert(argv.end(), extra.begin(), extra.end());
    return argv;
  }
};

// The probe with its stdout on fd, which nobody reads: done by its deadline plus the give-up
// grace (100 ms), with a generous margin for a loaded machine, and its verdict's exit code.
void check_not_held(const ProcessResult &result, std::chrono::milliseconds deadline) {
  INFO(result.err);
  CHECK_FALSE(result.killed_by_test);
  CHECK(result.exit_code == 0);
  CHECK(result.elapsed < deadline + std::chrono::milliseconds(100 + 1000));
}
}  // namespace

TEST_CASE("a stdout pipe nobody reads cannot hold the probe past its deadline", "[cli]") {
  HealthyServer healthy;
  TempDir dir;
  int fds[2];
  REQUIRE(pipe2(fds, O_CLOEXEC | O_NONBLOCK) == 0);
  const std::string chunk(65536, 'x');
  while (write(fds[1], chunk.data(), chunk.size()) > 0) {
  }
  REQUIRE(errno == EAGAIN);  // full: the report cannot go anywhere until someone reads
  const int writer = fcntl(fds[1], F_DUPFD_CLOEXEC, 0);
  REQUIRE(fcntl(writer, F_SETFL, 0) == 0);  // a blocking stdout, as a shell or Docker gives it
  for (const auto &extra : std::vector<std::vector<std::string>>{
           {"--writable", "none", "--timeout", "500ms"},            // the timer path
           {"--writable", dir.path(), "--timeout", "500ms", "-v"},  // the thread path
           {"--writable", "none", "--timeout", "500ms", "--format", "json"}}) {
    const auto result =
        run_with_stdout(healthy.argv(extra), minimal_env(), writer, std::chrono::seconds(5));
    check_not_held(result, std::chrono::milliseconds(500));
  }
  // A misconfigured HEALTHCHECK says so on stderr: that must not hold it either.
  const auto usage = run_with_stdout(healthy.argv({"--timeout", "forever"}), minimal_env(), writer,
                                     std::chrono::seconds(5), true);
  CHECK_FALSE(usage.killed_by_test);
  CHECK(usage.exit_code == 64);
  close(writer);
  close(fds[0]);
  close(fds[1]);
}

TEST_CASE("a terminal stopped with XOFF cannot hold the probe past its deadline",
          "[cli][may-skip]") {
  const int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0) HEALTHPROBE_SKIP("no pseudo-terminals here: " << strerror(errno));
  REQUIRE(grantpt(master) == 0);
  REQUIRE(unlockpt(master) == 0);
  const int terminal = open(ptsname(master), O_RDWR | O_NOCTTY | O_CLOEXEC);
  REQUIRE(terminal >= 0);
  REQUIRE(tcflow(terminal, TCOOFF) == 0);  // what Ctrl-S does: output waits for XON
  HealthyServer healthy;
  const auto result = run_with_stdout(healthy.argv({"--writable", "none", "--timeout", "500ms"}),
                                      minimal_env(), terminal, std::chrono::seconds(5));
  check_not_held(result, std::chrono::milliseconds(500));
  close(terminal);
  close(master);
}

TEST_CASE("the usage message's own bounds are accepted: --timeout 1h", "[cli]") {
  const auto hour = probe({"--no-http", "--writable", "none", "--timeout", "1h"});
  CHECK(hour.exit_code == 0);
  const auto more = probe({"--no-http", "--writable", "none", "--timeout", "2h"});
  CHECK(more.exit_code == 64);
  CHECK_THAT(more.err, Catch::Contains("from 1ms to 1h"));
}

TEST_CASE("an empty or relative venv path is bad usage, like any other path setting", "[cli]") {
  for (const std::string venv : {"", "app/.venv"}) {
    const auto result = probe({"--no-http", "--writable", "none", "--venv", venv});
    INFO(venv);
    CHECK(result.exit_code == 64);
    CHECK_THAT(result.err, Catch::Contains("--venv='" + venv + "' must be an absolute path"));
    CHECK(result.out.empty());
  }
}
