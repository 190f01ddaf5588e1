// The watchdog's last word: when a check outlives the deadline by the grace
// period, the report says whether it was still working or blocked in a system call. The blocked
// case (a write held by strace) is in leftover_test.cpp; this is the busy one: a real venv whose
// site-packages is far too big to list within a 1 ms deadline.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <thread>

#include "http_server.h"
#include "huge_directory.h"
#include "probe_runner.h"
#include "raw_server.h"
#include "skip.h"
#include "temp_dir.h"
#include "traced_probe.h"
#include "venv.h"

using namespace test_support;

TEST_CASE("a check busy at the deadline is not called stuck in a system call",
          "[giveup][may-skip]") {
  if (probe_is_emulated()) HEALTHPROBE_SKIP("under emulation (see traced_probe.h)");
  TempDir dir;
  const std::string venv = dir / "venv";
  make_venv(venv, false);
  const std::string site_packages =
      venv + "/lib/python" + venv_python_version(venv) + "/site-packages";
  // 100,000 entries: listing and parsing them takes the probe several hundred ms of CPU.
  const HugeDirectory huge(100000,
                           [](int i) { return "dist" + std::to_string(i) + "-1.0.dist-info"; });
  REQUIRE(run_process({"rm", "-rf", site_packages}, minimal_env()).exit_code == 0);
  REQUIRE(symlink(huge.path().c_str(), site_packages.c_str()) == 0);
  const auto result = probe({"--no-http", "--venv", venv, "--require", "absent", "--writable",
                             "none", "--timeout", "1ms"});
  CHECK(result.exit_code == 1);
  CHECK(result.elapsed < std::chrono::milliseconds(1500));
  // The listing did not finish: the run was cut at the deadline, by the check or the watchdog.
  CHECK_THAT(result.out, !Catch::Contains("missing from"));
  CHECK_THAT(result.out, !Catch::Contains("stuck in a system call"));
}

namespace {
// How many threads the probe started, counted by strace from the clone calls of one real run.
// inject: an extra strace fault injection (e.g. failing timer_create), or "". wrapper: words
// before strace (with_fuse_mount), or none.
int threads_started(const std::vector<std::string> &probe_args, const std::string &inject = "",
                    const std::vector<std::string> &wrapper = {}) {
  TempDir dir;
  const std::string trace = dir / "trace";
  // timer_create is traced too: strace injects faults only into calls it traces.
  std::vector<std::string> argv = wrapper;
  argv.insert(argv.end(),
              {"strace", "-f", "-qq", "-e", "trace=clone,clone3,timer_create", "-o", trace});
  if (!inject.empty()) argv.insert(argv.end(), {"-e", inject});
  const auto command = probe_command();
  argv.insert(argv.end(), command.begin(), command.end());
  argv.insert(argv.end(), probe_args.begin(), probe_args.end());
  // LeakSanitizer cannot run under ptrace, and would stop the world with a thread of its own.
  auto env = minimal_env();
  env["ASAN_OPTIONS"] = "detect_leaks=0";
  const auto result = run_process(argv, env);
  INFO(result.out << result.err);
  REQUIRE(result.exit_code == 0);
  const std::string calls = read_file(trace);
  // One "clone(" or "clone3(" line per thread started; a call strace saw interrupted by another
  // thread's is split into "... <unfinished ...>" and "<... clone3 resumed>": count the first.
  int clones = 0;
  size_t line_start = 0;
  while (line_start < calls.size()) {
    size_t line_end = calls.find('\n', line_start);
    if (line_end == std::string::npos) line_end = calls.size();
    const std::string line = calls.substr(line_start, line_end - line_start);
    if (line.find("clone") != std::string::npos && line.find("resumed>") == std::string::npos)
      ++clones;
    line_start = line_end + 1;
  }
  if (!inject.empty()) CHECK_THAT(calls, Catch::Contains("(INJECTED)"));
  return clones;
}
}  // namespace

// Why it matters: a thread's creation and exit are most of the probe's own cost (docs/
// BENCHMARKS.md), and a timer signal ends every wait the probe makes on local filesystems and
// sockets. Only a file system call on a network or FUSE mount can sleep where no signal reaches,
// so only a mount table holding one (here a real FUSE mount) makes the run start the thread.
TEST_CASE("the deadline is kept by a timer unless the mount table holds a filesystem that can hang",
          "[giveup][may-skip]") {
  if (probe_is_emulated()) HEALTHPROBE_SKIP("under emulation (strace would trace the emulator)");
  HttpServer server;
  server.server().Get("/health", [](const httplib::Request &, httplib::Response &res) {
    res.set_content(R"({"status":"ok"})", "application/json");
  });
  server.start();
  const std::string url = "http://127.0.0.1:" + std::to_string(server.port()) + "/health";
  TempDir dir;
  const std::vector<std::string> everything{"--url",    url,         "--writable",  dir.path(),
                                            "--log-to", "/dev/null", "--state-dir", dir.path()};
  CHECK(threads_started({"--url", url, "--venv", "none", "--writable", "none"}) == 0);
  // Where no timer can be had (a seccomp filter, a timer limit), the thread takes over.
  CHECK(threads_started({"--url", url, "--venv", "none", "--writable", "none"},
                        "inject=timer_create:error=EAGAIN") == 1);
  // File checks and the change log on this machine's own mounts: the timer, if they are all local.
  auto verbose = everything;
  verbose.push_back("-v");
  const auto local = probe(verbose);
  if (local.err.find("every mount is local") == std::string::npos)
    HEALTHPROBE_SKIP("this machine's own mount table holds a filesystem that can hang: "
                     << local.err.substr(0, 300));
  CHECK(threads_started(everything) == 0);
  if (const std::string why = fuse_mount_unavailable(); !why.empty()) HEALTHPROBE_SKIP(why);
  TempDir fuse;
  CHECK(threads_started(everything, "", with_fuse_mount(fuse.path())) == 1);
  // A run that touches no file does not even read the mount table.
  CHECK(threads_started({"--url", url, "--venv", "none", "--writable", "none"}, "",
                        with_fuse_mount(fuse.path())) == 0);
}

TEST_CASE("under a process limit no thread can start: the timer keeps the deadline instead",
          "[giveup][may-skip]") {
  if (probe_is_emulated()) HEALTHPROBE_SKIP("under emulation (prlimit would limit the emulator)");
  if (geteuid() != 0) HEALTHPROBE_SKIP("needs root to run the probe as a user whose limit applies");
  if (!nobody_can_run_probe())
    HEALTHPROBE_SKIP("user nobody cannot start the probe here (see nobody_can_run_probe)");
  HttpServer server;
  server.server().Get("/health", [](const httplib::Request &, httplib::Response &res) {
    res.set_content(R"({"status":"ok"})", "application/json");
  });
  server.start();
  RawServer silent(scripted({hang()}));
  TempDir dir;
  chmod(dir.path().c_str(), 0777);
  const std::string log = dir / "log";
  write_file(log, "");
  chmod(log.c_str(), 0666);
  // RLIMIT_NPROC 1: nobody's only process is the probe itself, so pthread_create fails (EAGAIN).
  // Root is exempt from the limit, hence nobody.
  const auto limited = [&](const std::string &url) {
    auto argv = as_nobody();
    argv.insert(argv.end(),
                {"prlimit", "--nproc=1", "--", probe_binary(), "--url", url, "--writable",
                 dir.path(), "--log-to", log, "--state-dir", dir.path(), "--timeout", "500ms"});
    auto env = minimal_env();
    env["ASAN_OPTIONS"] = "detect_leaks=0";  // the leak check starts a thread of its own at exit
    return run_process(argv, env);
  };
  const auto healthy = limited("http://127.0.0.1:" + std::to_string(server.port()) + "/health");
  INFO(healthy.out << healthy.err);
  CHECK(healthy.exit_code == 0);
  CHECK_THAT(healthy.out, Catch::StartsWith("healthy: ") && !Catch::Contains("internal error"));
  CHECK(read_file(log).find("healthy (first run)") != std::string::npos);
  // And the deadline still holds against a server that never answers.
  const auto hung = limited("http://127.0.0.1:" + std::to_string(silent.port()) + "/health");
  INFO(hung.out << hung.err);
  CHECK(hung.exit_code == 1);
  CHECK(hung.elapsed < std::chrono::milliseconds(500 + 1500));
  CHECK_THAT(hung.out, Catch::Contains("within the 500ms deadline"));
}

TEST_CASE("a probe stopped across its deadline (docker pause) is not called busy when resumed",
          "[giveup][may-skip]") {
  if (probe_is_emulated()) HEALTHPROBE_SKIP("under emulation (the signals would stop QEMU)");
  RawServer silent(scripted({hang()}));
  const std::string url = "http://127.0.0.1:" + std::to_string(silent.port()) + "/health";
  TempDir dir;
  // The timer path (HTTP only) and the thread path (with a file check).
  for (const auto &writable : {std::string("none"), dir.path()}) {
    INFO("--writable " << writable);
    std::vector<std::string> argv = probe_command();
    argv.insert(argv.end(), {"--url", url, "--writable", writable, "--timeout", "300ms"});
    BackgroundProcess probe_process(argv, minimal_env());
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // waiting on the silent server
    REQUIRE(kill(probe_process.pid(), SIGSTOP) == 0);
    // Both stages fall due while it is stopped: the deadline, and the grace after it.
    std::this_thread::sleep_for(std::chrono::milliseconds(800));
    REQUIRE(kill(probe_process.pid(), SIGCONT) == 0);
    const auto result = probe_process.wait_exit(std::chrono::milliseconds(5000));
    CHECK(result.exit_code == 1);
    // Interrupted when it ran again, the check reports what it saw: a server that never answered.
    CHECK_THAT(result.out, Catch::Contains("no complete answer from 127.0.0.1:") &&
                               Catch::Contains("within the 300ms deadline (connected, but no "
                                               "status line") &&
                               !Catch::Contains("busy") && !Catch::Contains("stuck"));
  }
}

TEST_CASE("a writable dir on a hung FUSE mount: the give-up, as a JSON report under --format json",
          "[giveup][may-skip]") {
  if (probe_is_emulated()) HEALTHPROBE_SKIP("under emulation (the namespaces would hold QEMU)");
  if (const std::string why = fuse_mount_unavailable(); !why.empty()) HEALTHPROBE_SKIP(why);
  TempDir dir;
  const std::string mount = dir / "mnt";
  auto argv = with_fuse_mount(dir.path(), /*hung=*/true);
  const auto command = probe_command();
  argv.insert(argv.end(), command.begin(), command.end());
  argv.insert(argv.end(), {"--no-http", "--venv", "none", "--writable", mount, "--timeout", "300ms",
                           "--format", "json"});
  const auto result = run_process(argv, minimal_env(), std::chrono::seconds(10));
  INFO(result.out << result.err);
  CHECK(result.exit_code == 1);
  CHECK_FALSE(result.killed_by_test);
  CHECK(result.elapsed < std::chrono::milliseconds(300 + 1500));  // the namespaces take a moment
  const auto report = nlohmann::json::parse(result.out, nullptr, false);
  REQUIRE(report.is_object());
  CHECK(report["status"] == "fail");
  const auto &check = report["checks"]["filesystem:" + mount][0];
  CHECK(check["status"] == "fail");
  CHECK(check["output"] ==
        "the 300ms deadline passed with the filesystem check stuck in a system call");
}
