// The GET's system calls, counted by strace on a real run against a real server on loopback. The
// probe sends and receives on a blocking socket bounded by SO_SNDTIMEO/SO_RCVTIMEO and the run's
// deadline (guarded_client.cpp), with no select() before each step: on a VM a select that sleeps
// arms a timer, and the three of them cost the HTTP-only run ~30 us (bench/STARTUP.md).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "http_server.h"
#include "probe_runner.h"
#include "skip.h"
#include "temp_dir.h"

using namespace test_support;

namespace {
// One HTTP-only run under `strace -e trace=... [-e inject]`, its trace and its result.
struct TracedRun {
  ProcessResult result;
  std::string calls;
};

TracedRun traced_get(const std::string &url, const std::vector<std::string> &strace_filters) {
  TempDir dir;
  const std::string trace = dir / "trace";
  std::vector<std::string> argv{"strace", "-qq", "-o", trace};
  argv.insert(argv.end(), strace_filters.begin(), strace_filters.end());
  const auto command = probe_command();
  argv.insert(argv.end(), command.begin(), command.end());
  argv.insert(argv.end(),
              {"--url", url, "--venv", "none", "--writable", "none", "--timeout", "10s"});
  auto env = minimal_env();
  env["ASAN_OPTIONS"] = "detect_leaks=0";  // LeakSanitizer cannot run under ptrace
  TracedRun run{run_process(argv, env), ""};
  run.calls = read_file(trace);
  return run;
}

size_t count_of(const std::string &text, const std::string &needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
    ++count;
  return count;
}

std::string serve_health(HttpServer &server) {
  server.server().Get("/health", [](const httplib::Request &, httplib::Response &res) {
    res.set_content(R"({"status":"healthy"})", "application/json");
  });
  server.start();
  return "http://127.0.0.1:" + std::to_string(server.port()) + "/health";
}
}  // namespace

TEST_CASE("a GET waits in select only for its connect, not before each send and recv",
          "[http][may-skip]") {
  if (probe_is_emulated()) HEALTHPROBE_SKIP("under emulation (strace would trace the emulator)");
  HttpServer server;
  const std::string url = serve_health(server);
  const auto run = traced_get(url, {"-e", "trace=select,pselect6,poll,ppoll,sendto,recvfrom"});
  INFO(run.result.out << run.result.err << run.calls);
  REQUIRE(run.result.exit_code == 0);
  CHECK_THAT(run.result.out, Catch::Contains("HTTP 200"));
  // cpp-httplib's own SocketStream made four: the connect's, one before the send and one checking
  // the peer had not closed, and one before each recv. The poll is the report's write to stdout.
  CHECK(count_of(run.calls, "select") == 1);
  CHECK(count_of(run.calls, "sendto(") == 1);
  CHECK(count_of(run.calls, "recvfrom(") >= 1);
}

TEST_CASE("a signal that interrupts the GET's send or recv is retried, not a failure",
          "[http][may-skip]") {
  if (probe_is_emulated()) HEALTHPROBE_SKIP("under emulation (strace would trace the emulator)");
  HttpServer server;
  const std::string url = serve_health(server);
  for (const std::string call : {"sendto", "recvfrom"}) {
    const auto run =
        traced_get(url, {"-e", "trace=" + call, "-e", "inject=" + call + ":error=EINTR:when=1"});
    INFO(call << ": " << run.result.out << run.result.err << run.calls);
    CHECK_THAT(run.calls, Catch::Contains("(INJECTED)"));
    CHECK(run.result.exit_code == 0);
    CHECK_THAT(run.result.out, Catch::Contains("HTTP 200"));
  }
}
