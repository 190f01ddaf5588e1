// --log-to against real processes, files, FIFOs and mounts: the transition rules, concurrent runs
// sharing one state file, a full pipe, targets the probe cannot write, and where state is kept.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fcntl.h>
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

// The one state file in dir (its name carries the configuration's hash); "" when there is none.
std::string state_file_in(const std::string &dir) {
  std::string found;
  for (const auto &name : lines_of(list_names(dir))) {
    if (name.size() == 26 && name.rfind("healthprobe-", 0) == 0 &&
        name.compare(20, 6, ".state") == 0) {
      REQUIRE(found.empty());  // one configuration, one file
      found = dir + "/" + name;
    }
  }
  return found;
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
  const std::string away = probe_setup.dir / "away";
  REQUIRE(rename(probe_setup.writable.c_str(), away.c_str()) == 0);
  CHECK(run().exit_code == 1);
  CHECK_THAT(unstamped(expect_lines(4)),
             Catch::StartsWith("healthprobe: unhealthy (was unhealthy: webhook:http): filesystem:" +
                               probe_setup.writable + " "));
  CHECK(run().exit_code == 1);
  expect_lines(4);
  REQUIRE(rename(away.c_str(), probe_setup.writable.c_str()) == 0);

  CHECK(run().exit_code == 0);
  CHECK_THAT(unstamped(expect_lines(5)),
             Catch::Equals("healthprobe: healthy again (was unhealthy: filesystem:" +
                           probe_setup.writable + "): 3 checks passed"));
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
  const std::string state = state_file_in(with_log.state_dir);
  CHECK(list_names(with_log.state_dir) == state.substr(with_log.state_dir.size() + 1) + "\n");
  CHECK(read_file(state) == "healthprobe-state 1\nstatus pass\nend\n");
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
  CHECK_FALSE(state_file_in(setup.state_dir).empty());

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
  // port: 0 for any free one; a port again, so that the probes' configuration (and so their
  // state file) stays the same from one batch to the next.
  BarrierServer(size_t count, int status, int port) : port_(port) {
    listener_ = listen_on_loopback(static_cast<int>(count) + 16, port_);
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
  int port() const { return port_; }

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
  int port = 0;
  const auto all_at_once = [&](int status) {
    BarrierServer server(kProbes, status, port);
    port = server.port();
    std::vector<std::string> argv{"sh", "-c",
                                  "for i in $(seq " + std::to_string(kProbes) +
                                      "); do \"$0\" \"$@\" >/dev/null 2>&1 & done; wait",
                                  probe_binary()};
    // The barrier, not the deadline, decides when they finish.
    const auto args = setup.args(server.url(), {"--timeout", "30s"});
    argv.insert(argv.end(), args.begin(), args.end());
    const auto result = run_process(argv, minimal_env(), std::chrono::seconds(120));
    REQUIRE(result.exit_code == 0);
    INFO(read_file(setup.log));
    return setup.lines();
  };
  const auto state = [&] { return read_file(state_file_in(setup.state_dir)); };

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
  // One file, no temporary ones left.
  CHECK(list_names(setup.state_dir) ==
        state_file_in(setup.state_dir).substr(setup.state_dir.size() + 1) + "\n");
}

TEST_CASE("a run holding the state file's lock: another run waits until its deadline, logs nothing",
          "[logto]") {
  SwitchableServer server;
  LoggedProbe setup;
  const auto args = setup.args(server.url(), {"-v", "--timeout", "500ms"});
  CHECK(probe(args).exit_code == 0);
  REQUIRE(setup.lines().size() == 1);  // the first run
  const int held = open(state_file_in(setup.state_dir).c_str(), O_RDWR);
  REQUIRE(held >= 0);
  REQUIRE(flock(held, LOCK_EX) == 0);
  server.answer(503, "");
  const auto blocked = probe(args);
  CHECK(blocked.exit_code == 1);
  CHECK(blocked.elapsed < std::chrono::milliseconds(500 + 1500));
  CHECK_THAT(blocked.err, Catch::Contains("another run held the lock until the deadline"));
  CHECK(setup.lines().size() == 1);
  close(held);
  CHECK(probe(args).exit_code == 1);
  REQUIRE(setup.lines().size() == 2);
  CHECK_THAT(unstamped(setup.lines()[1]),
             Catch::StartsWith("healthprobe: unhealthy (was healthy)"));
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

  const auto args = setup.args(server.url(), {"-v", "--log-to", fifo});
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
    std::vector<std::string> extra{"--log-to", target};
    if (verbose) extra.emplace_back("-v");
    return probe(setup.args(server.url(), extra));
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
  const auto result = probe(setup.args(
      "http://127.0.0.1:" + std::to_string(hung.port()) + "/health", {"--timeout", "500ms"}));
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
  const auto args = setup.args(server.url(), {"-v", "--state-dir", setup.dir / "no-such-dir"});
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
  const auto args = setup.args(server.url(), {"-v"});
  REQUIRE(probe(args).exit_code == 0);  // makes this configuration's state file
  const std::string state = state_file_in(setup.state_dir);
  REQUIRE_FALSE(state.empty());
  for (const std::string &content :
       {std::string("healthprobe-state 1\nstatus fail\nreason \x1b[31m\nend\n"),
        std::string("healthprobe-state 1\nstatus pass\n"), std::string(100000, 'A'),
        std::string("\0\0\0\0", 4), std::string("healthprobe-state 1\nstatus fail\nend\n")}) {
    write_file(state, content);
    write_file(setup.log, "");
    const auto result = probe(args);
    CHECK(result.exit_code == 0);
    CHECK_THAT(result.err, Catch::Contains("is not a state file; starting afresh"));
    const auto lines = setup.lines();
    REQUIRE(lines.size() == 1);
    CHECK_THAT(unstamped(lines[0]),
               Catch::StartsWith("healthprobe: healthy (previous state unreadable)"));
    CHECK(read_file(state) == "healthprobe-state 1\nstatus pass\nend\n");
  }

  // A symlink planted there is removed, never followed: its target stays untouched.
  const std::string victim = setup.dir / "victim";
  write_file(victim, "precious");
  unlink(state.c_str());
  REQUIRE(symlink(victim.c_str(), state.c_str()) == 0);
  write_file(setup.log, "");
  const auto result = probe(args);
  CHECK(result.exit_code == 0);
  CHECK(read_file(victim) == "precious");
  CHECK_THAT(result.err, Catch::Contains("was a symlink, not a state file of ours; replaced it"));
  REQUIRE(setup.lines().size() == 1);
  CHECK_THAT(unstamped(setup.lines()[0]),
             Catch::StartsWith("healthprobe: healthy (previous state unreadable)"));
  struct stat info {};
  REQUIRE(lstat(state.c_str(), &info) == 0);
  CHECK(S_ISREG(info.st_mode));
  CHECK(read_file(state) == "healthprobe-state 1\nstatus pass\nend\n");

  // A FIFO in its place neither blocks the probe nor stays.
  unlink(state.c_str());
  REQUIRE(mkfifo(state.c_str(), 0600) == 0);
  server.answer(503, "");
  const auto fifo = probe(args);
  CHECK(fifo.exit_code == 1);
  CHECK(fifo.elapsed < std::chrono::milliseconds(3000 + 1500));
  CHECK_THAT(fifo.err, Catch::Contains("was a FIFO, not a state file of ours; replaced it"));
  REQUIRE(setup.lines().size() == 2);
  CHECK_THAT(unstamped(setup.lines()[1]),
             Catch::StartsWith("healthprobe: unhealthy (previous state unreadable)"));
  CHECK(probe(args).exit_code == 1);
  CHECK(setup.lines().size() == 2);  // and from then on the state is kept

  // A directory cannot be removed: then no state is kept, and -v says why.
  unlink(state.c_str());
  REQUIRE(mkdir(state.c_str(), 0700) == 0);
  for (int i = 0; i < 2; ++i) {
    const auto directory = probe(args);
    CHECK(directory.exit_code == 1);
    CHECK_THAT(directory.err, Catch::Contains("is a directory, which this user cannot remove") &&
                                  Catch::Contains("logging every non-healthy run"));
  }
  REQUIRE(setup.lines().size() == 4);
  CHECK_THAT(unstamped(setup.lines()[3]),
             Catch::StartsWith("healthprobe: unhealthy (no state kept: logged every time)"));
  rmdir(state.c_str());
}

TEST_CASE("another user's file planted at the state path: replaced where the dir allows it",
          "[logto][may-skip]") {
  if (probe_is_emulated()) HEALTHPROBE_SKIP("under emulation (see probe_runner.h)");
  if (geteuid() != 0) HEALTHPROBE_SKIP("needs root to plant a file of another user");
  if (!nobody_can_run_probe())
    HEALTHPROBE_SKIP("user nobody cannot start the probe here (see nobody_can_run_probe)");
  SwitchableServer server;
  server.answer(503, "");
  TempDir dir;
  chmod(dir.path().c_str(), 0755);
  const std::string log = dir / "log";
  write_file(log, "");
  REQUIRE(chown(log.c_str(), 65534, 65534) == 0);
  // nobody's own state dir, and a shared sticky one like /tmp or /dev/shm.
  const std::string own = dir / "own";
  const std::string sticky = dir / "sticky";
  REQUIRE(mkdir(own.c_str(), 0700) == 0);
  REQUIRE(chown(own.c_str(), 65534, 65534) == 0);
  REQUIRE(mkdir(sticky.c_str(), 0777) == 0);
  REQUIRE(chmod(sticky.c_str(), 01777) == 0);
  const auto as_nobody_in = [&](const std::string &state_dir) {
    auto argv = as_nobody();
    argv.insert(argv.end(), {probe_binary(), "--url", server.url(), "--log-to", log, "--writable",
                             "none", "--state-dir", state_dir, "-v"});
    return run_process(argv, minimal_env());
  };
  REQUIRE(as_nobody_in(own).exit_code == 1);  // learns the configuration's file name
  const std::string name = state_file_in(own).substr(own.size() + 1);
  REQUIRE(unlink((own + "/" + name).c_str()) == 0);
  for (const auto &state_dir : {own, sticky}) {
    write_file(state_dir + "/" + name, "planted by root");
    chmod((state_dir + "/" + name).c_str(), 0666);
  }
  write_file(log, "");

  const auto replaced = as_nobody_in(own);
  CHECK(replaced.exit_code == 1);
  CHECK_THAT(replaced.err, Catch::Contains("was a file of uid 0, not a state file of ours"));
  struct stat info {};
  REQUIRE(stat((own + "/" + name).c_str(), &info) == 0);
  CHECK(info.st_uid == 65534);
  CHECK(read_file(own + "/" + name) ==
        "healthprobe-state 1\nstatus fail\nreason webhook:http\nend\n");

  for (int i = 0; i < 2; ++i) {
    const auto kept = as_nobody_in(sticky);
    CHECK(kept.exit_code == 1);
    CHECK_THAT(kept.err, Catch::Contains("is a file of uid 0, which this user cannot remove") &&
                             Catch::Contains("in a sticky dir only its owner may"));
  }
  CHECK(read_file(sticky + "/" + name) == "planted by root");
  const auto lines = lines_of(read_file(log));
  REQUIRE(lines.size() == 3);
  CHECK_THAT(unstamped(lines[2]),
             Catch::StartsWith("healthprobe: unhealthy (no state kept: logged every time)"));
}

TEST_CASE("two configurations sharing a state dir each keep their own verdict", "[logto]") {
  // The image's HEALTHCHECK, and `docker exec C healthprobe --venv none` (or liveness and
  // readiness probes): one state file for both logged a false change on every run.
  SwitchableServer server;
  LoggedProbe setup;
  const auto failing = setup.args(server.url(), {"--writable", setup.dir / "missing"});
  const auto passing = setup.args(server.url());
  for (int round = 0; round < 3; ++round) {
    CHECK(probe(failing).exit_code == 1);
    CHECK(probe(passing).exit_code == 0);
  }
  const auto lines = setup.lines();
  INFO(read_file(setup.log));
  REQUIRE(lines.size() == 2);
  CHECK_THAT(unstamped(lines[0]), Catch::StartsWith("healthprobe: unhealthy (first run)"));
  CHECK_THAT(unstamped(lines[1]), Catch::StartsWith("healthprobe: healthy (first run)"));
  CHECK(lines_of(list_names(setup.state_dir)).size() == 2);
}

namespace {
// A tiny tmpfs, filled up, in a mount namespace of its own that a background process keeps alive:
// its files are reached through /proc/PID/root, so each probe run is an ordinary process.
class FullTmpfs {
 public:
  FullTmpfs()
      : holder_(
            {"unshare", "--mount", "--map-root-user", "sh", "-c",
             "mount -t tmpfs -o size=16k tmpfs /mnt && "
             "{ dd if=/dev/zero of=/mnt/fill bs=4096 2>/dev/null; echo ready; } && exec sleep 60"},
            minimal_env()) {}
  bool ready() { return holder_.read_line(std::chrono::seconds(5)) == "ready"; }
  std::string dir() const { return "/proc/" + std::to_string(holder_.pid()) + "/root/mnt"; }

 private:
  BackgroundProcess holder_;
};
}  // namespace

TEST_CASE("a full state dir: each non-healthy run is logged, never 'first run' again",
          "[logto][may-skip]") {
  if (probe_is_emulated()) HEALTHPROBE_SKIP("under emulation (see probe_runner.h)");
  FullTmpfs full;
  if (!full.ready()) HEALTHPROBE_SKIP("cannot mount a tmpfs in a user namespace here");
  SwitchableServer server;
  LoggedProbe setup;
  const auto args = setup.args(server.url(), {"-v", "--state-dir", full.dir()});
  const auto first = probe(args);
  CHECK(first.exit_code == 0);
  CHECK_THAT(first.err,
             Catch::Contains("cannot save") && Catch::Contains("No space left on device"));
  for (int i = 0; i < 3; ++i) {
    const auto again = probe(args);
    CHECK(again.exit_code == 0);
    CHECK_THAT(again.err, Catch::Contains("is empty: an earlier run could not save its state"));
  }
  REQUIRE(setup.lines().size() == 1);  // one first run, not one per run
  CHECK_THAT(unstamped(setup.lines()[0]), Catch::StartsWith("healthprobe: healthy (first run)"));
  server.answer(503, "");
  for (int i = 0; i < 2; ++i) CHECK(probe(args).exit_code == 1);
  const auto lines = setup.lines();
  REQUIRE(lines.size() == 3);
  CHECK_THAT(unstamped(lines[2]),
             Catch::StartsWith("healthprobe: unhealthy (no state kept: logged every time)"));
  CHECK(lines_of(list_names(full.dir())).size() == 2);  // the filler and one state file
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
      "\"$@\" >/dev/null; echo; echo shm: $(ls /dev/shm); cat /dev/shm/healthprobe-*.state");
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::Matches("(.|\n)*shm: healthprobe-[0-9a-f]{8}\\.state\n"
                                        "healthprobe-state 1\nstatus pass\nend\n(.|\n)*"));
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
  CHECK_FALSE(state_file_in(first).empty());
  CHECK(lines_of(list_names(first)).size() == 1);
  CHECK(list_names(second).empty());
  CHECK(lines_of(read_file(log)).size() == 1);

  write_file(log, "");
  const std::vector<std::string> nowhere{"--url",      server.url(), "--log-to", log,
                                         "--writable", "none",       "-v"};
  for (int i = 0; i < 2; ++i) {
    const auto result = in_private_dev_shm(true, nowhere);
    CHECK(result.exit_code == 1);
    CHECK_THAT(result.err, Catch::Matches("(.|\n)*no writable state dir \\(/dev/shm/"
                                          "healthprobe-[0-9a-f]{8}\\.state: Read-only file "
                                          "system\\): logging every non-healthy run(.|\n)*"));
  }
  CHECK(lines_of(read_file(log)).size() == 2);
}

TEST_CASE("a log target past the file size limit: no SIGXFSZ, the verdict stands, -v says why",
          "[logto][may-skip]") {
  if (probe_is_emulated()) HEALTHPROBE_SKIP("under emulation (prlimit would limit the emulator)");
  SwitchableServer server;
  LoggedProbe setup;
  write_file(setup.log, std::string(200, 'a'));  // already past the 100-byte limit below
  for (const int status : {200, 503}) {
    server.answer(status, "");
    std::vector<std::string> argv{"prlimit", "--fsize=100", "--", probe_binary()};
    const auto args = setup.args(server.url(), {"-v"});
    argv.insert(argv.end(), args.begin(), args.end());
    const auto result = run_process(argv, minimal_env());
    INFO(result.out << result.err);
    CHECK(result.signal == 0);
    CHECK(result.exit_code == (status == 200 ? 0 : 1));  // the exit code never depends on the log
    CHECK_THAT(result.err, Catch::Contains("File too large"));
  }
  CHECK(read_file(setup.log) == std::string(200, 'a'));
}

TEST_CASE("a kernel interface is no log target: /proc and /sys files are refused unwritten",
          "[logto]") {
  SwitchableServer server;
  LoggedProbe setup;
  // The probe's own name in /proc: harmless to write, and writable, so only a refusal keeps the
  // line out (/proc/sys/... would take it as a command to the kernel).
  const auto result = probe(setup.args(server.url(), {"-v", "--log-to", "/proc/self/comm"}));
  CHECK(result.exit_code == 0);
  CHECK_THAT(
      result.err,
      Catch::Contains("/proc/self/comm is a file of procfs, a kernel interface: not a log") &&
          !Catch::Contains("logged healthy"));
}

TEST_CASE("a symlink another user planted in a sticky dir is not followed to the log",
          "[logto][may-skip]") {
  if (probe_is_emulated()) HEALTHPROBE_SKIP("under emulation (see probe_runner.h)");
  if (geteuid() != 0) HEALTHPROBE_SKIP("needs root to plant a symlink as another user");
  if (!nobody_can_run_probe())
    HEALTHPROBE_SKIP("user nobody cannot reach the test's dirs here (see nobody_can_run_probe)");
  SwitchableServer server;
  LoggedProbe setup;
  // A shared dir like /tmp: anyone may create a link there, pointing at a file this user owns.
  const std::string shared = setup.dir / "shared";
  REQUIRE(mkdir(shared.c_str(), 0777) == 0);
  REQUIRE(chmod(shared.c_str(), 01777) == 0);
  chmod(setup.dir.path().c_str(), 0755);
  const std::string victim = setup.dir / "victim";
  write_file(victim, "precious\n");
  const std::string link = shared + "/app.log";
  auto ln = as_nobody();
  ln.insert(ln.end(), {"ln", "-s", victim, link});
  REQUIRE(run_process(ln, minimal_env()).exit_code == 0);
  const auto result = probe(setup.args(server.url(), {"-v", "--log-to", link}));
  CHECK(result.exit_code == 0);
  CHECK(read_file(victim) == "precious\n");
  CHECK_THAT(result.err, Catch::Contains(link + " is a symlink of uid 65534 in a shared sticky "
                                                "dir: not followed"));
  // The same link made by this user is followed, as /proc/1/fd/1 is.
  unlink(link.c_str());
  REQUIRE(symlink(victim.c_str(), link.c_str()) == 0);
  CHECK(probe(setup.args(server.url(), {"--log-to", link})).exit_code == 0);
  CHECK_THAT(read_file(victim), Catch::StartsWith("precious\n") &&
                                    Catch::Contains("healthprobe: healthy (first run)"));
}

// The change log runs after the checks, under the same deadline keeper: a log target (or state
// dir) on a mount whose server stopped answering holds the run only until the give-up, which then
// prints the report it already has and exits with its verdict, as if nothing had been logged.
TEST_CASE(
    "a log target on a hung FUSE mount: the report and its exit code, a grace after the "
    "deadline",
    "[logto][may-skip]") {
  if (probe_is_emulated()) HEALTHPROBE_SKIP("under emulation (the namespaces would hold QEMU)");
  if (const std::string why = fuse_mount_unavailable(); !why.empty()) HEALTHPROBE_SKIP(why);
  SwitchableServer server;
  TempDir dir;
  TempDir state;
  REQUIRE(mkdir((dir / "src").c_str(), 0755) == 0);
  write_file(dir / "src/container.log", "");
  auto argv = with_fuse_mount(dir.path(), /*hung=*/true);
  const auto command = probe_command();
  argv.insert(argv.end(), command.begin(), command.end());
  argv.insert(argv.end(),
              {"--url", server.url(), "--venv", "none", "--writable", "none", "--log-to",
               dir / "mnt/container.log", "--state-dir", state.path(), "--timeout", "300ms"});
  for (const int status : {200, 503}) {
    server.answer(status, "");
    const auto result = run_process(argv, minimal_env(), std::chrono::seconds(10));
    INFO(result.out << result.err);
    CHECK_FALSE(result.killed_by_test);
    CHECK(result.exit_code == (status == 200 ? 0 : 1));
    CHECK_THAT(result.out, Catch::StartsWith(status == 200 ? "healthy: " : "unhealthy: "));
    CHECK(result.elapsed < std::chrono::milliseconds(300 + 1500));  // namespaces take a moment
  }
}
