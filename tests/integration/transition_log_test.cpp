// --log-to against real processes, files, FIFOs and mounts: the transition rules, concurrent runs
// sharing one state file, a full pipe, targets the probe cannot write, and where state is kept.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "http_server.h"
#include "probe_runner.h"
#include "raw_server.h"
#include "skip.h"
#include "temp_dir.h"

using namespace test_support;

namespace {

std::vector<std::string> lines_of(const std::string &text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    const size_t end = text.find('\n', start);
    if (end == std::string::npos) {
      lines.push_back(text.substr(start) + "<no newline>");
      break;
    }
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

// What follows the timestamp: "healthprobe: unhealthy (was healthy): ..."
std::string unstamped(const std::string &line) {
  const auto space = line.find(' ');
  return space == std::string::npos ? line : line.substr(space + 1);
}

// A health endpoint whose answer the test switches between healthy, degraded and failing.
class SwitchableServer {
 public:
  SwitchableServer() {
    server_.server().Get("/health", [this](const httplib::Request &, httplib::Response &res) {
      const std::lock_guard<std::mutex> lock(mutex_);
      res.status = status_;
      res.set_content(body_, "application/json");
    });
    server_.start();
  }
  void answer(int status, const std::string &body) {
    const std::lock_guard<std::mutex> lock(mutex_);
    status_ = status;
    body_ = body;
  }
  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(server_.port()) + "/health";
  }

 private:
  HttpServer server_;
  std::mutex mutex_;
  int status_ = 200;
  std::string body_ = R"({"status":"pass"})";
};

// A probe whose state lives in its own temp dir (never the machine's shared /dev/shm).
struct LoggedProbe {
  TempDir dir;
  std::string log = dir / "container.log";
  std::string state_dir = dir / "state";
  std::string writable = dir / "writable";

  LoggedProbe() {
    write_file(log, "");
    mkdir(state_dir.c_str(), 0700);
    mkdir(writable.c_str(), 0700);
  }
  std::vector<std::string> args(const std::string &url,
                                const std::vector<std::string> &extra = {}) {
    std::vector<std::string> out{"--url",   url,          "--log-to", log,         "--state-dir",
                                 state_dir, "--writable", writable,   "--timeout", "3s"};
    // Whether the OOM count runs depends on the machine's cgroups; the lines below count checks.
    out.emplace_back("--no-oom");
    out.insert(out.end(), extra.begin(), extra.end());
    return out;
  }
  std::vector<std::string> lines() const { return lines_of(read_file(log)); }
};

}  // namespace

TEST_CASE("one line per change: first run, healthy, degraded, unhealthy, a new reason, and back",
          "[logto]") {
  SwitchableServer server;
  LoggedProbe probe_setup;
  const auto run = [&](const std::vector<std::string> &extra = {}) {
    return probe(probe_setup.args(server.url(), extra));
  };
  const auto expect_lines = [&](size_t count) {
    const auto lines = probe_setup.lines();
    INFO(read_file(probe_setup.log));
    REQUIRE(lines.size() == count);
    return lines.back();
  };

  CHECK(run().exit_code == 0);
  CHECK_THAT(
      expect_lines(1),
      Catch::Matches(
          R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ healthprobe: healthy \(first run\): 3 checks passed)"));
  CHECK(run().exit_code == 0);
  expect_lines(1);  // still healthy: nothing

  server.answer(200, R"({"status":"warn","warning":"queue backing up"})");
  CHECK(run().exit_code == 0);
  CHECK_THAT(unstamped(expect_lines(2)),
             Catch::StartsWith("healthprobe: degraded (was healthy): webhook:http HTTP 200 in ") &&
                 Catch::Contains("queue backing up"));
  CHECK(run().exit_code == 0);
  expect_lines(2);

  server.answer(503, R"({"status":"fail"})");
  CHECK(run().exit_code == 1);
  CHECK_THAT(unstamped(expect_lines(3)),
             Catch::StartsWith(
                 "healthprobe: unhealthy (was degraded: webhook:http): webhook:http HTTP 503"));
  // The same reason with another wording (its timing changes every run) is not a change.
  for (int i = 0; i < 3; ++i) CHECK(run().exit_code == 1);
  expect_lines(3);

  // A different check at fault is a change, even though the verdict stays unhealthy.
  server.answer(200, R"({"status":"pass"})");
  CHECK(run({"--writable", probe_setup.dir / "gone"}).exit_code == 1);
  CHECK_THAT(unstamped(expect_lines(4)),
             Catch::StartsWith("healthprobe: unhealthy (was unhealthy: webhook:http): filesystem:" +
                               probe_setup.dir.path() + "/gone "));
  CHECK(run({"--writable", probe_setup.dir / "gone"}).exit_code == 1);
  expect_lines(4);

  CHECK(run().exit_code == 0);
  CHECK_THAT(unstamped(expect_lines(5)),
             Catch::Equals("healthprobe: healthy again (was unhealthy: filesystem:" +
                           probe_setup.dir.path() + "/gone): 3 checks passed"));
  CHECK(run().exit_code == 0);
  expect_lines(5);

  // Straight from unhealthy to degraded, and from degraded back to healthy.
  server.answer(500, "");
  run();
  server.answer(200, R"({"status":"warn"})");
  CHECK(run().exit_code == 0);
  CHECK_THAT(unstamped(expect_lines(7)),
             Catch::StartsWith("healthprobe: degraded (was unhealthy: webhook:http)"));
  server.answer(200, R"({"status":"pass"})");
  run();
  CHECK_THAT(unstamped(expect_lines(8)),
             Catch::StartsWith("healthprobe: healthy again (was degraded: webhook:http)"));
}

TEST_CASE("the log leaves the report, the exit code and the state dir as they were", "[logto]") {
  SwitchableServer server;
  LoggedProbe with_log;
  const auto logged = probe(with_log.args(server.url()));
  const auto plain = probe({"--url", server.url(), "--writable", with_log.writable, "--no-oom"});
  CHECK(logged.exit_code == plain.exit_code);
  const auto verdict = [](const std::string &out) { return out.substr(0, out.find(" in ")); };
  CHECK(verdict(logged.out) == verdict(plain.out));
  CHECK(logged.err.empty());  // failures and notes only under -v
  CHECK(list_names(with_log.state_dir) == "healthprobe.state\n");
  CHECK(read_file(with_log.state_dir + "/healthprobe.state") ==
        "healthprobe-state 1\nstatus pass\nend\n");
  CHECK(list_names(with_log.writable).empty());
}

TEST_CASE("--log-format json: one JSON object per line, with the fields Logs Insights filters on",
          "[logto]") {
  SwitchableServer server;
  LoggedProbe setup;
  auto env = minimal_env();
  env["HEALTHPROBE_LOG_FORMAT"] = "json";
  CHECK(probe(setup.args(server.url()), env).exit_code == 0);
  server.answer(503, "");
  CHECK(probe(setup.args(server.url()), env).exit_code == 1);
  const auto lines = setup.lines();
  REQUIRE(lines.size() == 2);
  const auto first = nlohmann::json::parse(lines[0]);
  CHECK(first["source"] == "healthprobe");
  CHECK(first["verdict"] == "healthy");
  CHECK(first["previous"] == "first run");
  const auto second = nlohmann::json::parse(lines[1]);
  CHECK(second["verdict"] == "unhealthy");
  CHECK(second["previous"] == "healthy");
  CHECK(second["reasons"] == nlohmann::json::array({"webhook:http"}));
  CHECK_THAT(second["output"].get<std::string>(), Catch::StartsWith("webhook:http HTTP 503"));
  CHECK_THAT(second["time"].get<std::string>(),
             Catch::Matches(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)"));
}

TEST_CASE("HEALTHPROBE_LOG_TO and HEALTHPROBE_STATE_DIR configure it; none turns it off",
          "[logto]") {
  SwitchableServer server;
  LoggedProbe setup;
  auto env = minimal_env();
  env["HEALTHPROBE_LOG_TO"] = setup.log;
  env["HEALTHPROBE_STATE_DIR"] = setup.state_dir;
  CHECK(probe({"--url", server.url(), "--writable", setup.writable}, env).exit_code == 0);
  CHECK(setup.lines().size() == 1);
  CHECK(list_names(setup.state_dir) == "healthprobe.state\n");

  server.answer(503, "");
  CHECK(probe({"--url", server.url(), "--log-to", "none"}, env).exit_code == 1);
  CHECK(setup.lines().size() == 1);
  env["HEALTHPROBE_LOG_TO"] = "none";
  CHECK(probe({"--url", server.url()}, env).exit_code == 1);
  CHECK(setup.lines().size() == 1);

  env["HEALTHPROBE_LOG_TO"] = "relative/path";
  const auto bad = probe({"--url", server.url()}, env);
  CHECK(bad.exit_code == 64);
  CHECK_THAT(bad.err,
             Catch::Contains("HEALTHPROBE_LOG_TO='relative/path' must be an absolute path"));
}

namespace {
// A health endpoint that holds every request until `count` probes wait on it, then answers all
// of them at once: the probes reach their log step together, the worst case for the state file.
class BarrierServer {
 public:
  BarrierServer(size_t count, int status) {
    listener_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (bind(listener_, reinterpret_cast<sockaddr *>(&address), length) != 0 ||
        listen(listener_, static_cast<int>(count) + 16) != 0 ||
        getsockname(listener_, reinterpret_cast<sockaddr *>(&address), &length) != 0)
      throw std::runtime_error("cannot listen");
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this, count, status] {
      std::vector<int> clients;
      const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
      while (clients.size() < count && std::chrono::steady_clock::now() < give_up) {
        pollfd ready{listener_, POLLIN, 0};
        if (poll(&ready, 1, 50) <= 0) continue;
        const int client = accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
        if (client < 0) continue;
        read_request_head(client);
        clients.push_back(client);
      }
      const std::string answer = "HTTP/1.1 " + std::to_string(status) +
                                 " X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
      for (int client : clients) send_all(client, answer);
      for (int client : clients) close(client);
    });
  }
  ~BarrierServer() {
    thread_.join();
    close(listener_);
  }
  BarrierServer(const BarrierServer &) = delete;
  BarrierServer &operator=(const BarrierServer &) = delete;
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/health"; }

 private:
  int listener_ = -1;
  int port_ = 0;
  std::thread thread_;
};
}  // namespace

TEST_CASE("50 probes at once share one state file: it stays valid and each change is logged once",
          "[logto][may-skip]") {
  if (probe_is_emulated()) HEALTHPROBE_SKIP("under emulation (see probe_runner.h)");
  constexpr size_t kProbes = 50;
  LoggedProbe setup;
  // Each probe is a real process, all started together by one shell and waited for.
  const auto all_at_once = [&](int status) {
    BarrierServer server(kProbes, status);
    std::vector<std::string> argv{"sh", "-c",
                                  "for i in $(seq " + std::to_string(kProbes) +
                                      "); do \"$0\" \"$@\" >/dev/null 2>&1 & done; wait",
                                  probe_binary()};
    auto args = setup.args(server.url());
    args[9] = "30s";  // --timeout: the barrier, not the deadline, decides when they finish
    argv.insert(argv.end(), args.begin(), args.end());
    const auto result = run_process(argv, minimal_env(), std::chrono::seconds(120));
    REQUIRE(result.exit_code == 0);
    INFO(read_file(setup.log));
    return setup.lines();
  };
  const auto state = [&] { return read_file(setup.state_dir + "/healthprobe.state"); };

  auto lines = all_at_once(200);
  INFO(read_file(setup.log));
  REQUIRE(lines.size() == 1);
  CHECK_THAT(unstamped(lines[0]), Catch::StartsWith("healthprobe: healthy (first run)"));
  CHECK(state() == "healthprobe-state 1\nstatus pass\nend\n");

  lines = all_at_once(503);
  REQUIRE(lines.size() == 2);
  CHECK_THAT(unstamped(lines[1]), Catch::StartsWith("healthprobe: unhealthy (was healthy)"));
  CHECK(state() == "healthprobe-state 1\nstatus fail\nreason webhook:http\nend\n");

  lines = all_at_once(200);
  REQUIRE(lines.size() == 3);
  CHECK_THAT(unstamped(lines[2]), Catch::StartsWith("healthprobe: healthy again"));
  CHECK(list_names(setup.state_dir) == "healthprobe.state\n");  // no temporary files left
}

TEST_CASE("a run holding the state file's lock: another run waits until its deadline, logs nothing",
          "[logto]") {
  SwitchableServer server;
  LoggedProbe setup;
  const std::string state = setup.state_dir + "/healthprobe.state";
  write_file(state, "");
  const int held = open(state.c_str(), O_RDWR);
  REQUIRE(held >= 0);
  REQUIRE(flock(held, LOCK_EX) == 0);
  auto args = setup.args(server.url(), {"-v"});
  args[9] = "500ms";
  const auto blocked = probe(args);
  CHECK(blocked.exit_code == 0);
  CHECK(blocked.elapsed < std::chrono::milliseconds(500 + 1500));
  CHECK_THAT(blocked.err, Catch::Contains("another run held the lock until the deadline"));
  CHECK(setup.lines().empty());
  close(held);
  CHECK(probe(args).exit_code == 0);
  CHECK(setup.lines().size() == 1);
}

TEST_CASE("a full pipe drops the line: the probe neither blocks nor changes its verdict",
          "[logto]") {
  SwitchableServer server;
  LoggedProbe setup;
  const std::string fifo = setup.dir / "pid1-stdout";
  REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
  // The reader is the test, which stops reading: like a log driver that has fallen behind.
  const int reader = open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
  REQUIRE(reader >= 0);
  const int writer = open(fifo.c_str(), O_WRONLY | O_NONBLOCK);
  REQUIRE(writer >= 0);
  const std::string chunk(4096, 'x');
  size_t filled = 0;
  while (true) {
    const ssize_t n = write(writer, chunk.data(), chunk.size());
    if (n < 0) break;
    filled += static_cast<size_t>(n);
  }
  REQUIRE(errno == EAGAIN);
  REQUIRE(filled >= 4096);

  auto args = setup.args(server.url(), {"-v"});
  args[3] = fifo;  // --log-to the FIFO
  auto healthy = probe(args);
  CHECK(healthy.exit_code == 0);
  CHECK_FALSE(healthy.killed_by_test);
  CHECK(healthy.elapsed < std::chrono::milliseconds(3000 + 1500));
  CHECK_THAT(healthy.err, Catch::Contains("is full (its reader is behind): line dropped"));

  server.answer(503, "");
  auto unhealthy = probe(args);
  CHECK(unhealthy.exit_code == 1);
  CHECK(unhealthy.elapsed < std::chrono::milliseconds(3000 + 1500));
  CHECK_THAT(unhealthy.err, Catch::Contains("line dropped"));

  // Once the reader catches up, the change that was dropped is logged by the next run.
  std::string drained(filled + 4096, '\0');
  CHECK(read(reader, drained.data(), drained.size()) == static_cast<ssize_t>(filled));
  CHECK(probe(args).exit_code == 1);
  std::string line(2048, '\0');
  const ssize_t got = read(reader, line.data(), line.size());
  REQUIRE(got > 0);
  line.resize(static_cast<size_t>(got));
  CHECK_THAT(unstamped(line),
             Catch::StartsWith("healthprobe: unhealthy (first run): webhook:http"));
  close(writer);
  close(reader);
}

TEST_CASE("a target the probe cannot write: the verdict stands, -v alone says why", "[logto]") {
  SwitchableServer server;
  LoggedProbe setup;
  const auto with_target = [&](const std::string &target, bool verbose) {
    auto args = setup.args(server.url(),
                           verbose ? std::vector<std::string>{"-v"} : std::vector<std::string>{});
    args[3] = target;
    return probe(args);
  };

  // A FIFO nobody reads (PID 1 gone): ENXIO, found without blocking.
  const std::string fifo = setup.dir / "no-reader";
  REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
  auto result = with_target(fifo, true);
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.err, Catch::Contains("cannot open " + fifo) &&
                             Catch::Contains("(a pipe with no reader, or a socket)"));
  CHECK(with_target(fifo, false).err.empty());

  result = with_target(setup.dir / "missing", true);
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.err, Catch::Contains("No such file or directory"));
  CHECK(access((setup.dir / "missing").c_str(), F_OK) != 0);  // never created

  result = with_target(setup.dir.path(), true);  // a directory
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.err, Catch::Contains("Is a directory"));

  server.answer(503, "");
  result = with_target(setup.dir / "missing", false);
  CHECK(result.exit_code == 1);
  CHECK(result.err.empty());
}

TEST_CASE("PID 1 running as another user: EACCES, the probe goes on", "[logto][may-skip]") {
  if (probe_is_emulated()) HEALTHPROBE_SKIP("under emulation (see probe_runner.h)");
  if (geteuid() != 0) HEALTHPROBE_SKIP("needs root to run the probe as another user");
  if (!nobody_can_run_probe())
    HEALTHPROBE_SKIP("user nobody cannot start the probe here (see nobody_can_run_probe)");
  SwitchableServer server;
  TempDir dir;
  chmod(dir.path().c_str(), 0777);
  const std::string log = dir / "root-only.log";
  write_file(log, "");
  chmod(log.c_str(), 0600);
  auto argv = as_nobody();
  argv.insert(argv.end(), {probe_binary(), "--url", server.url(), "--log-to", log, "--state-dir",
                           dir.path(), "--writable", dir.path(), "-v"});
  const auto result = run_process(argv, minimal_env());
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.err, Catch::Contains("Permission denied (PID 1 runs as another user?"));
  CHECK(read_file(log).empty());
}

TEST_CASE("a run that uses its whole deadline on a hung server still logs the change in time",
          "[logto]") {
  RawServer hung([](int client, const std::atomic<bool> &stopping) {
    read_request_head(client);
    wait_while_running(stopping, 10000);
  });
  LoggedProbe setup;
  auto args = setup.args("http://127.0.0.1:" + std::to_string(hung.port()) + "/health");
  args[9] = "500ms";  // --timeout
  const auto result = probe(args);
  CHECK(result.exit_code == 1);
  CHECK(result.elapsed < std::chrono::milliseconds(500 + 1500));
  const auto lines = setup.lines();
  REQUIRE(lines.size() == 1);
  CHECK_THAT(unstamped(lines[0]),
             Catch::StartsWith("healthprobe: unhealthy (first run): webhook:http"));
}

TEST_CASE("a hostile server's words reach the log only as one terminal-safe line, never a header",
          "[logto]") {
  SwitchableServer server;
  server.answer(200,
                "{\"status\":\"down\",\"version\":\"\\u001b[2J\\nFAKE: healthy\",\"warning\":\"" +
                    std::string(5000, 'w') + "\"}");
  LoggedProbe setup;
  const auto result =
      probe(setup.args(server.url(), {"--header", "Authorization: Bearer TOPSECRET"}));
  CHECK(result.exit_code == 1);
  const std::string log = read_file(setup.log);
  CHECK(lines_of(log).size() == 1);
  CHECK(log.size() <= 1024);
  CHECK(log.back() == '\n');
  CHECK(log.find('\x1b') == std::string::npos);
  CHECK_THAT(log, !Catch::Contains("TOPSECRET"));
}

// The state file's place: --state-dir alone when set; else /dev/shm, else the first --writable dir;
// with none, every non-healthy run is logged.
TEST_CASE("an unusable --state-dir: every non-healthy run is logged, and -v says so", "[logto]") {
  SwitchableServer server;
  LoggedProbe setup;
  auto args = setup.args(server.url(), {"-v"});
  args[5] = setup.dir / "no-such-dir";
  CHECK(probe(args).exit_code == 0);  // healthy with no memory: nothing to say
  CHECK(setup.lines().empty());
  server.answer(503, "");
  for (int i = 0; i < 3; ++i) {
    const auto result = probe(args);
    CHECK(result.exit_code == 1);
    CHECK_THAT(result.err, Catch::Contains("no writable state dir") &&
                               Catch::Contains("logging every non-healthy run"));
  }
  const auto lines = setup.lines();
  REQUIRE(lines.size() == 3);
  for (const auto &line : lines)
    CHECK_THAT(unstamped(line),
               Catch::StartsWith("healthprobe: unhealthy (no state kept: logged every time)"));
  CHECK(list_names(setup.writable).empty());  // an explicit dir is never swapped for another
}

TEST_CASE("a corrupt, oversized or planted state file is treated as unknown and replaced",
          "[logto]") {
  SwitchableServer server;
  LoggedProbe setup;
  const std::string state = setup.state_dir + "/healthprobe.state";
  for (const std::string &content :
       {std::string("healthprobe-state 1\nstatus fail\nreason \x1b[31m\nend\n"),
        std::string("healthprobe-state 1\nstatus pass\n"), std::string(100000, 'A'),
        std::string("\0\0\0\0", 4), std::string("healthprobe-state 1\nstatus fail\nend\n")}) {
    write_file(state, content);
    write_file(setup.log, "");
    const auto result = probe(setup.args(server.url(), {"-v"}));
    CHECK(result.exit_code == 0);
    CHECK_THAT(result.err, Catch::Contains("is not a state file; starting afresh"));
    const auto lines = setup.lines();
    REQUIRE(lines.size() == 1);
    CHECK_THAT(unstamped(lines[0]),
               Catch::StartsWith("healthprobe: healthy (previous state unreadable)"));
    CHECK(read_file(state) == "healthprobe-state 1\nstatus pass\nend\n");
  }

  // A symlink planted in the state dir is never followed (its target stays untouched).
  const std::string victim = setup.dir / "victim";
  write_file(victim, "precious");
  unlink(state.c_str());
  REQUIRE(symlink(victim.c_str(), state.c_str()) == 0);
  write_file(setup.log, "");
  const auto result = probe(setup.args(server.url(), {"-v"}));
  CHECK(result.exit_code == 0);
  CHECK(read_file(victim) == "precious");
  CHECK_THAT(result.err, Catch::Contains("no writable state dir"));
  CHECK(setup.lines().empty());  // healthy, and nothing remembered

  // A FIFO in its place does not block the probe.
  unlink(state.c_str());
  REQUIRE(mkfifo(state.c_str(), 0600) == 0);
  server.answer(503, "");
  const auto fifo = probe(setup.args(server.url(), {"-v"}));
  CHECK(fifo.exit_code == 1);
  CHECK(fifo.elapsed < std::chrono::milliseconds(3000 + 1500));
  CHECK_THAT(fifo.err, Catch::Contains("not a regular file of ours"));
  CHECK(setup.lines().size() == 1);
}

namespace {
// The probe in a private mount namespace where /dev/shm is a fresh tmpfs (ro when asked), then
// `after` (a shell command) run in that namespace, so the test can look inside.
ProcessResult in_private_dev_shm(bool read_only, const std::vector<std::string> &args,
                                 const std::string &after = "true") {
  std::vector<std::string> argv{"unshare",
                                "--mount",
                                "--map-root-user",
                                "sh",
                                "-c",
                                std::string("mount -t tmpfs ") + (read_only ? "-o ro " : "") +
                                    "tmpfs /dev/shm && \"$@\"; rc=$?; " + after + "; exit $rc",
                                "sh"};
  argv.push_back(probe_binary());
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv, minimal_env());
}
}  // namespace

TEST_CASE("by default state lives in /dev/shm", "[logto][may-skip]") {
  if (probe_is_emulated()) HEALTHPROBE_SKIP("under emulation (see probe_runner.h)");
  SwitchableServer server;
  TempDir dir;
  const std::string log = dir / "log";
  write_file(log, "");
  const std::vector<std::string> args{"--url", server.url(), "--log-to",
                                      log,     "--writable", dir.path()};
  const auto result = in_private_dev_shm(
      false, args,
      "\"$@\" >/dev/null; echo; echo shm: $(ls /dev/shm); cat /dev/shm/healthprobe.state");
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  CHECK_THAT(result.out,
             Catch::Contains("shm: healthprobe.state\nhealthprobe-state 1\nstatus pass\nend\n"));
  CHECK(lines_of(read_file(log)).size() == 1);  // the second run found the first one's state
  CHECK(list_names(dir.path()) == "log\n");
}

TEST_CASE("a read-only /dev/shm: state goes to the first --writable dir, else nowhere",
          "[logto][may-skip]") {
  if (probe_is_emulated()) HEALTHPROBE_SKIP("under emulation (see probe_runner.h)");
  SwitchableServer server;
  server.answer(503, "");
  TempDir dir;
  const std::string log = dir / "log";
  write_file(log, "");
  const std::string first = dir / "first";
  const std::string second = dir / "second";
  mkdir(first.c_str(), 0700);
  mkdir(second.c_str(), 0700);
  const std::vector<std::string> args{"--url",      server.url(), "--log-to",   log,
                                      "--writable", first,        "--writable", second};
  for (int i = 0; i < 2; ++i) {
    const auto result = in_private_dev_shm(true, args);
    INFO(result.err);
    CHECK(result.exit_code == 1);
  }
  CHECK(list_names(first) == "healthprobe.state\n");
  CHECK(list_names(second).empty());
  CHECK(lines_of(read_file(log)).size() == 1);

  write_file(log, "");
  const std::vector<std::string> nowhere{"--url",      server.url(), "--log-to", log,
                                         "--writable", "none",       "-v"};
  for (int i = 0; i < 2; ++i) {
    const auto result = in_private_dev_shm(true, nowhere);
    CHECK(result.exit_code == 1);
    CHECK_THAT(result.err,
               Catch::Contains("no writable state dir (/dev/shm/healthprobe.state: "
                               "Read-only file system): logging every non-healthy run"));
  }
  CHECK(lines_of(read_file(log)).size() == 2);
}
