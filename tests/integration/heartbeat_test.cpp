// The heartbeat check against real files, globs and clocks: mtimes set with utimensat (and by the
// consumer snippet's own os.utime, in python3), FIFOs and directories where a file should be,
// files and directories the probe's user cannot read (setpriv to nobody), a stat held in the
// kernel by strace, and a real consumer loop stopped with SIGSTOP.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ctime>
#include <regex>
#include <thread>

#include "probe_runner.h"
#include "skip.h"
#include "temp_dir.h"
#include "traced_probe.h"
#include "worker_scratch.h"

using namespace test_support;
using std::chrono::milliseconds;

namespace {

// Dates path's mtime (and atime) seconds from now: negative is the past.
void date_file(const std::string &path, long seconds_from_now) {
  const std::time_t when = std::time(nullptr) + seconds_from_now;
  const timespec times[2] = {{when, 0}, {when, 0}};
  REQUIRE(utimensat(AT_FDCWD, path.c_str(), times, 0) == 0);
}

// An empty heartbeat file, written now or dated seconds_from_now.
std::string beat(const std::string &path, long seconds_from_now = 0) {
  write_file(path, "");
  if (seconds_from_now != 0) date_file(path, seconds_from_now);
  return path;
}

// Only the heartbeat check (plus the root's mode): no venv, no writable dir, no HTTP, no OOM.
std::vector<std::string> heartbeat_only(std::vector<std::string> args) {
  std::vector<std::string> out{"--no-http", "--venv", "none", "--writable", "none", "--no-oom"};
  out.insert(out.end(), args.begin(), args.end());
  return out;
}

// The seconds a report line gives right before suffix (" s old", " s in the future"), or -1.
double seconds_before(const std::string &line, const std::string &suffix) {
  std::smatch match;
  if (!std::regex_search(line, match, std::regex(R"((\d+(?:\.\d)?))" + suffix))) return -1;
  return std::stod(match[1]);
}

// Whole seconds since a test's first step: the slack an age in a report may carry on a slow run.
class Stopwatch {
 public:
  double seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

bool running_as_root() {
  return geteuid() == 0;
}

// The heartbeat-only probe run by a wrapper command (setpriv, unshare): WRAPPER... PROBE ARGS...
ProcessResult wrapped_probe(std::vector<std::string> wrapper,
                            const std::vector<std::string> &args) {
  for (const auto &word : probe_command()) wrapper.push_back(word);
  for (const auto &word : heartbeat_only(args)) wrapper.push_back(word);
  return run_process(wrapper, minimal_env());
}

}  // namespace

TEST_CASE("a fresh heartbeat passes with its age and the maximum", "[heartbeat]") {
  TempDir dir;
  const Stopwatch since_beat;
  const std::string file = beat(dir / "consumer.hb", -3);
  const auto result = probe(heartbeat_only({"--heartbeat", file, "--heartbeat-max-age", "30s"}));
  INFO(result.out);
  CHECK(result.exit_code == 0);
  CHECK(first_line(result.out).rfind("healthy: ", 0) == 0);
  const std::string line = line_of(result.out, "heartbeat:" + file);
  CHECK(std::regex_search(
      line, std::regex(R"(^pass  heartbeat:\S+ +heartbeat \d+(\.\d)? s old \(max 30 s\)$)")));
  // Dated with whole seconds: the age is 3 s, plus what the run took, plus that second's part.
  CHECK(seconds_before(line, " s old") >= 3);
  CHECK(seconds_before(line, " s old") <= 4 + since_beat.seconds());
}

TEST_CASE("a stale heartbeat fails with its age and the maximum", "[heartbeat]") {
  TempDir dir;
  const Stopwatch since_beat;
  const std::string file = beat(dir / "consumer.hb", -95);
  const auto result = probe(heartbeat_only({"--heartbeat", file, "--heartbeat-max-age", "30s"}));
  INFO(result.out);
  CHECK(result.exit_code == 1);
  CHECK(std::regex_search(
      first_line(result.out),
      std::regex(R"(^unhealthy: heartbeat:\S+ heartbeat \d+ s old \(max 30 s\)$)")));
  CHECK(seconds_before(first_line(result.out), " s old") >= 95);
  CHECK(seconds_before(first_line(result.out), " s old") <= 96 + since_beat.seconds());
  // The default maximum is 60 s.
  const auto by_default = probe(heartbeat_only({"--heartbeat", file}));
  CHECK(by_default.exit_code == 1);
  CHECK_THAT(by_default.out, Catch::Contains("old (max 60 s)"));
  beat(file, -30);
  CHECK(probe(heartbeat_only({"--heartbeat", file})).exit_code == 0);
}

TEST_CASE("no heartbeat yet: missing, with how long ago the container started", "[heartbeat]") {
  TempDir dir;
  const auto result = probe(heartbeat_only({"--heartbeat", dir / "consumer.hb"}));
  INFO(result.out);
  CHECK(result.exit_code == 1);
  CHECK_THAT(first_line(result.out),
             Catch::StartsWith("unhealthy: heartbeat:" + dir / "consumer.hb" +
                               " no heartbeat yet: " + dir / "consumer.hb" + " does not exist"));
  // PID 1's start, from /proc: here the machine's (or sandbox's) first process.
  CHECK(std::regex_search(first_line(result.out),
                          std::regex(R"(; the container \(PID 1\) started \d+ (s|min|h|d) ago$)")));
  // A glob whose directory does not exist yet, and one that matches nothing.
  const auto no_dir = probe(heartbeat_only({"--heartbeat", dir / "run/w-*.hb"}));
  CHECK(no_dir.exit_code == 1);
  CHECK_THAT(no_dir.out, Catch::Contains("no heartbeat yet: " + dir / "run" + " does not exist"));
  const auto no_match = probe(heartbeat_only({"--heartbeat", dir / "w-*.hb"}));
  CHECK(no_match.exit_code == 1);
  CHECK_THAT(no_match.out, Catch::Contains("no heartbeat yet: nothing in " + dir.path() +
                                           " matches w-*.hb (need 1); the container (PID 1) "
                                           "started "));
}

TEST_CASE("no heartbeat yet, in a container just started: PID 1 is seconds old",
          "[heartbeat][may-skip]") {
  if (!running_as_root()) HEALTHPROBE_SKIP("needs root for a PID namespace (unshare --pid)");
  if (probe_is_emulated()) HEALTHPROBE_SKIP("under emulation (see probe_runner.h)");
  TempDir dir;
  // A new PID namespace with its own /proc, as a container runtime makes: the probe is its PID 1.
  const Stopwatch run;
  const auto result = wrapped_probe({"unshare", "--pid", "--fork", "--mount-proc"},
                                    {"--heartbeat", dir / "consumer.hb"});
  INFO(result.out << result.err);
  CHECK(result.exit_code == 1);
  CHECK(std::regex_search(
      first_line(result.out),
      std::regex(R"(does not exist; the container \(PID 1\) started \d+ s ago$)")));
  // Started within this run (0 s but for a slow start), not the host's boot hours ago.
  CHECK(seconds_before(first_line(result.out), " s ago") <= 1 + run.seconds());
}

TEST_CASE("a directory or a FIFO where the heartbeat should be fails and says what it is",
          "[heartbeat]") {
  TempDir dir;
  REQUIRE(mkdir((dir / "consumer.hb").c_str(), 0755) == 0);
  REQUIRE(mkfifo((dir / "fifo.hb").c_str(), 0644) == 0);
  const auto directory = probe(heartbeat_only({"--heartbeat", dir / "consumer.hb"}));
  CHECK(directory.exit_code == 1);
  CHECK_THAT(directory.out,
             Catch::Contains(dir / "consumer.hb" + " is a directory, not a regular file"));
  // A FIFO nobody writes would block a reader: the probe never opens it, and ends at once.
  const auto fifo = probe(heartbeat_only({"--heartbeat", dir / "fifo.hb", "--timeout", "30s"}));
  CHECK(fifo.exit_code == 1);
  CHECK_THAT(fifo.out, Catch::Contains(dir / "fifo.hb" + " is a FIFO, not a regular file"));
  CHECK(fifo.elapsed < milliseconds(15000));  // far from the deadline: nothing waited on it
  // In a glob beside fresh files: counted as matched, not fresh, and named.
  beat(dir / "w-1.hb");
  REQUIRE(mkfifo((dir / "w-2.hb").c_str(), 0644) == 0);
  const auto globbed = probe(heartbeat_only({"--heartbeat", dir / "w-*.hb"}));
  INFO(globbed.out);
  CHECK(globbed.exit_code == 0);
  CHECK_THAT(line_of(globbed.out, "heartbeat:" + dir / "w-*.hb"),
             Catch::StartsWith("warn") &&
                 Catch::Contains("2 match, 1 fresh (need 1; max age 60 s): w-2.hb is a FIFO"));
}

TEST_CASE("a heartbeat in a directory the probe's user cannot search fails with EACCES",
          "[heartbeat][may-skip]") {
  if (running_as_root() && !nobody_can_run_probe())
    HEALTHPROBE_SKIP("user nobody cannot start the probe here (see nobody_can_run_probe)");
  TempDir dir;
  const std::string locked = dir / "locked";
  REQUIRE(mkdir(locked.c_str(), 0700) == 0);
  beat(locked + "/consumer.hb");
  chmod(dir.path().c_str(), 0755);
  if (!running_as_root()) chmod(locked.c_str(), 0);
  const auto result = wrapped_probe(running_as_root() ? as_nobody() : std::vector<std::string>{},
                                    {"--heartbeat", locked + "/consumer.hb"});
  INFO(result.out << result.err);
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.out, Catch::Contains("cannot stat " + locked +
                                         "/consumer.hb: Permission "
                                         "denied (EACCES)"));
}

TEST_CASE("a fresh heartbeat whose content cannot be read warns and says why",
          "[heartbeat][may-skip]") {
  if (!running_as_root()) HEALTHPROBE_SKIP("needs root to run the probe as another user");
  if (!nobody_can_run_probe())
    HEALTHPROBE_SKIP("user nobody cannot start the probe here (see nobody_can_run_probe)");
  TempDir dir;
  chmod(dir.path().c_str(), 0755);
  const std::string file = dir / "consumer.hb";
  const Stopwatch since_beat;
  write_file(file, R"({"status":"fail","detail":"hidden"})");
  chmod(file.c_str(), 0600);  // root's, unreadable for nobody
  const auto result = wrapped_probe(as_nobody(), {"--heartbeat", file});
  INFO(result.out << result.err);
  CHECK(result.exit_code == 0);
  CHECK_THAT(first_line(result.out),
             Catch::StartsWith("degraded: heartbeat:" + file + " heartbeat ") &&
                 Catch::EndsWith("(max 60 s); its content cannot be read: Permission denied "
                                 "(EACCES)"));
  CHECK(seconds_before(first_line(result.out), " s old") <= 1 + since_beat.seconds());
}

TEST_CASE("a heartbeat dated in the future warns: its age cannot be judged", "[heartbeat]") {
  TempDir dir;
  const Stopwatch since_beat;
  const std::string file = beat(dir / "consumer.hb", 3600);
  const auto result = probe(heartbeat_only({"--heartbeat", file}));
  INFO(result.out);
  CHECK(result.exit_code == 0);
  CHECK(std::regex_search(
      first_line(result.out),
      std::regex(
          R"(^degraded: heartbeat:\S+ heartbeat dated \d+ s in the future \(max age 60 s\): the clock was set back)")));
  // 3600 s ahead of a whole second when dated (up to 1 s less ahead of the real moment), less
  // what a slow run (ASan, a loaded CI machine) has taken since, in whole seconds.
  const double ahead = seconds_before(first_line(result.out), " s in the future");
  CHECK(ahead <= 3600);
  CHECK(ahead >= 3598 - since_beat.seconds());
  // In a glob, a future file is not fresh: with nothing else, the check warns, never passes.
  beat(dir / "w-1.hb", 600);
  const auto globbed = probe(heartbeat_only({"--heartbeat", dir / "w-*.hb"}));
  CHECK(globbed.exit_code == 0);
  CHECK_THAT(line_of(globbed.out, "heartbeat:" + dir / "w-*.hb"),
             Catch::StartsWith("warn") && Catch::Contains("1 match, 0 fresh") &&
                 Catch::Contains("w-1.hb dated ") && Catch::Contains(" s in the future"));
  // Within a second ahead is a coarse file system clock, not a step: fresh.
  beat(file, 1);
  CHECK(probe(heartbeat_only({"--heartbeat", file})).exit_code == 0);
}

TEST_CASE("what a heartbeat says: fail fails, degraded or unknown warns, the rest is ignored",
          "[heartbeat]") {
  TempDir dir;
  const std::string file = dir / "consumer.hb";
  const auto run = [&](const std::string &content) {
    write_file(file, content);
    return probe(heartbeat_only({"--heartbeat", file}));
  };
  const auto failing = run(R"({"status":"fail","detail":"queue unreachable"})");
  CHECK(failing.exit_code == 1);
  CHECK_THAT(first_line(failing.out),
             Catch::EndsWith("(max 60 s); says \"fail\": queue unreachable"));
  const auto starting = run(R"({"status":"starting","output":"waiting for config"})");
  CHECK(starting.exit_code == 0);
  CHECK_THAT(
      first_line(starting.out),
      Catch::StartsWith("degraded: ") && Catch::EndsWith("says \"starting\": waiting for config"));
  const auto degraded = run(R"({"status":"degraded"})");
  CHECK(degraded.exit_code == 0);
  CHECK_THAT(first_line(degraded.out), Catch::StartsWith("degraded: "));
  const auto ok = run(R"({"status":"ok","detail":"polling queue"})");
  CHECK(ok.exit_code == 0);
  CHECK_THAT(first_line(ok.out), Catch::StartsWith("healthy: "));
  CHECK_THAT(ok.out, Catch::Contains("says \"ok\": polling queue"));
  for (const char *ignored : {"alive\n", "1733000000", "[\"fail\"]", R"({"detail":"x"})"}) {
    INFO(ignored);
    const auto result = run(ignored);
    CHECK(result.exit_code == 0);
    CHECK_THAT(result.out, !Catch::Contains("says"));
  }
  // A stale file's last words are shown, and do not change why it fails.
  write_file(file, R"({"status":"starting","detail":"waiting for config"})");
  date_file(file, -120);
  const auto stale = probe(heartbeat_only({"--heartbeat", file}));
  CHECK(stale.exit_code == 1);
  CHECK_THAT(first_line(stale.out),
             Catch::EndsWith("old (max 60 s); last says \"starting\": waiting for config"));
}

TEST_CASE("what a heartbeat says reaches the terminal escaped, and only its first 4 KiB count",
          "[heartbeat]") {
  TempDir dir;
  const std::string file = dir / "consumer.hb";
  write_file(file, "{\"status\":\"fail\",\"detail\":\"\\u001b]0;owned\\u0007\\u202eevil\"}");
  const auto result = probe(heartbeat_only({"--heartbeat", file}));
  CHECK(result.exit_code == 1);
  CHECK(result.out.find('\x1b') == std::string::npos);
  CHECK(result.out.find('\x07') == std::string::npos);
  CHECK_THAT(result.out, Catch::Contains("says \"fail\": \\x1b]0;owned\\x07\\u202eevil"));
  // A status past the first 4 KiB is never seen: the object is cut off, so it says nothing.
  write_file(file, "{\"pad\":\"" + std::string(5000, 'x') + "\",\"status\":\"fail\"}");
  CHECK(probe(heartbeat_only({"--heartbeat", file})).exit_code == 0);
}

TEST_CASE("a glob: how many match, how many are fresh, and at least N fresh", "[heartbeat]") {
  TempDir dir;
  beat(dir / "w-1.hb", -2);
  beat(dir / "w-2.hb", -5);
  beat(dir / "w-3.hb", -95);
  beat(dir / ".w-4.hb.tmp");  // an atomic writer's temp file: hidden, never counted
  beat(dir / "other.hb");
  const std::string glob = dir / "w-*.hb";
  const auto two = probe(heartbeat_only({"--heartbeat", glob, "--heartbeat-min", "2"}));
  INFO(two.out);
  CHECK(two.exit_code == 0);
  CHECK(line_of(two.out, "heartbeat:" + glob).rfind("pass", 0) == 0);
  CHECK_THAT(two.out, Catch::Contains("3 match, 2 fresh (need 2; max age 60 s): w-3.hb 9") &&
                          Catch::Contains(" s old"));
  const auto three = probe(heartbeat_only({"--heartbeat", glob, "--heartbeat-min", "3"}));
  CHECK(three.exit_code == 1);
  CHECK_THAT(first_line(three.out), Catch::Contains("3 match, 2 fresh (need 3; max age 60 s)"));
  // Fewer files than needed: workers not started yet, so the container's age is told.
  const auto four = probe(heartbeat_only({"--heartbeat", glob, "--heartbeat-min", "4"}));
  CHECK(four.exit_code == 1);
  CHECK_THAT(first_line(four.out), Catch::Contains("; the container (PID 1) started "));
  CHECK_THAT(three.out, !Catch::Contains("started"));
  // A pattern for hidden files matches them, never "." or "..".
  const auto hidden = probe(heartbeat_only({"--heartbeat", dir / ".*"}));
  CHECK(hidden.exit_code == 0);
  CHECK_THAT(hidden.out, Catch::Contains("1 match, 1 fresh (need 1; max age 60 s)"));
  // Through the environment, as an image sets it. w-1 dated afresh: the runs above may have
  // taken seconds on a slow machine, and it must still be within 4 s.
  beat(dir / "w-1.hb", -1);
  auto env = minimal_env();
  env["HEALTHPROBE_HEARTBEAT"] = glob;
  env["HEALTHPROBE_HEARTBEAT_MIN"] = "2";
  env["HEALTHPROBE_HEARTBEAT_MAX_AGE"] = "4s";
  const auto from_env = probe(heartbeat_only({}), env);
  CHECK(from_env.exit_code == 1);
  CHECK_THAT(from_env.out, Catch::Contains("3 match, 1 fresh (need 2; max age 4 s)"));
}

TEST_CASE("a glob judges at most 256 files and reads at most 10000 entries", "[heartbeat]") {
  TempDir dir;
  for (int i = 0; i < 300; ++i) beat(dir / ("w-" + std::to_string(i) + ".hb"));
  const auto many = probe(heartbeat_only({"--heartbeat", dir / "w-*.hb"}));
  INFO(many.out);
  CHECK(many.exit_code == 0);
  CHECK_THAT(many.out, Catch::Contains("300 match, 256 fresh (need 1; max age 60 s); only the "
                                       "first 256 matches were judged"));
  TempDir crowded;
  for (int i = 0; i < 10050; ++i) {
    const int fd = ::open((crowded / ("x" + std::to_string(i))).c_str(), O_CREAT | O_WRONLY, 0644);
    REQUIRE(fd >= 0);
    ::close(fd);
  }
  const auto result = probe(heartbeat_only({"--heartbeat", crowded / "w-*.hb"}));
  INFO(result.out);
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.out,
             Catch::Contains("stopped after reading 10000 entries of " + crowded.path()));
}

TEST_CASE("the probe creates and changes no file: names, content, mtime and atime stay",
          "[heartbeat]") {
  TempDir dir;
  const std::string file = dir / "w-1.hb";
  write_file(file, R"({"status":"ok","detail":"polling"})");
  date_file(file, -10);
  struct stat before {};
  REQUIRE(stat(file.c_str(), &before) == 0);
  const std::string names = list_names(dir.path());
  for (const auto &path : {file, dir / "w-*.hb"}) {
    CHECK(probe(heartbeat_only({"--heartbeat", path})).exit_code == 0);
  }
  struct stat after {};
  REQUIRE(stat(file.c_str(), &after) == 0);
  CHECK(list_names(dir.path()) == names);
  CHECK(read_file(file) == R"({"status":"ok","detail":"polling"})");
  CHECK(after.st_mtim.tv_sec == before.st_mtim.tv_sec);
  CHECK(after.st_mtim.tv_nsec == before.st_mtim.tv_nsec);
  // Read as its owner, with O_NOATIME: not even the access time moves.
  CHECK(after.st_atim.tv_sec == before.st_atim.tv_sec);
  CHECK(after.st_atim.tv_nsec == before.st_atim.tv_nsec);
}

TEST_CASE("a heartbeat on a hung FUSE mount ends at the deadline, stuck and said so",
          "[heartbeat][may-skip]") {
  if (probe_is_emulated()) HEALTHPROBE_SKIP("under emulation (the namespaces would hold QEMU)");
  if (const std::string why = fuse_mount_unavailable(); !why.empty()) HEALTHPROBE_SKIP(why);
  TempDir dir;
  REQUIRE(mkdir((dir / "src").c_str(), 0755) == 0);
  beat(dir / "src/consumer.hb");  // seen through the mount, whose daemon is then stopped
  const std::string file = dir / "mnt/consumer.hb";
  auto argv = with_fuse_mount(dir.path(), /*hung=*/true);
  const auto command = probe_command();
  argv.insert(argv.end(), command.begin(), command.end());
  for (const auto &word : heartbeat_only({"--heartbeat", file, "--timeout", "300ms"}))
    argv.push_back(word);
  const auto result = run_process(argv, minimal_env(), std::chrono::seconds(10));
  INFO(result.out << result.err);
  CHECK(result.exit_code == 1);
  CHECK_FALSE(result.killed_by_test);
  CHECK(result.elapsed < std::chrono::milliseconds(300 + 1500));  // the namespaces take a moment
  CHECK(first_line(result.out) == "unhealthy: the 300ms deadline passed with the heartbeat:" +
                                      file + " check stuck in a system call");
}

// The few lines a consumer adds (consumer_heartbeat.py), run by the real python3 in a loop shaped
// like the service's: wait_for_ready_config, then one heartbeat per turn of the polling loop.
// The probe is configured through the environment alone, as a worker container's would be.
TEST_CASE("a real consumer loop: starting, ready, stopped with SIGSTOP, resumed, logged once each",
          "[heartbeat]") {
  const WorkerScratch scratch;
  const TempDir &dir = scratch.dir;
  const std::string &shm = scratch.shm;
  const std::string &state = scratch.state;
  const std::string &log = scratch.log;
  const std::string snippet =
      std::string(HEALTHPROBE_TEST_SOURCE_DIR) + "/integration/consumer_heartbeat.py";
  const std::string config = dir / "config-ready";
  const char *loop = R"(
import os, sys, time
exec(open(sys.argv[1]).read())
print("started", flush=True)
while not os.path.exists(sys.argv[2]):  # wait_for_ready_config
    heartbeat("starting", "waiting for config")
    time.sleep(0.1)
heartbeat("ok", "polling")
print("polling", flush=True)
while True:
    heartbeat()
    time.sleep(0.1)
)";
  auto consumer_env = minimal_env();
  consumer_env["HEARTBEAT_DIR"] = shm;
  BackgroundProcess consumer({python3(), "-c", loop, snippet, config}, consumer_env);
  REQUIRE(consumer.read_line(milliseconds(10000)) == "started");
  const std::string heartbeat_file = shm + "/consumer-" + std::to_string(consumer.pid()) + ".hb";
  for (int i = 0; i < 100 && access(heartbeat_file.c_str(), F_OK) != 0; ++i)
    std::this_thread::sleep_for(milliseconds(50));

  auto env = minimal_env();
  env["HEALTHPROBE_URL"] = "none";
  env["HEALTHPROBE_HEARTBEAT"] = shm + "/consumer-*.hb";
  // A beat every 0.1 s against 3 s: a python starved for a moment on a loaded machine is not a
  // wedged loop.
  env["HEALTHPROBE_HEARTBEAT_MAX_AGE"] = "3s";
  env["HEALTHPROBE_WRITABLE"] = "none";
  env["HEALTHPROBE_OOM"] = "off";
  env["HEALTHPROBE_LOG_TO"] = log;
  env["HEALTHPROBE_STATE_DIR"] = state;
  const std::string key = "heartbeat:" + shm + "/consumer-*.hb";
  const std::string name = "consumer-" + std::to_string(consumer.pid()) + ".hb";

  const auto starting = probe({}, env);
  INFO(starting.out);
  CHECK(starting.exit_code == 0);
  CHECK(first_line(starting.out) == "degraded: " + key +
                                        " 1 match, 1 fresh (need 1; max age 3 s): " + name +
                                        " says \"starting\": waiting for config");

  write_file(config, "");
  REQUIRE(consumer.read_line(milliseconds(5000)) == "polling");
  const auto polling = probe({}, env);
  INFO(polling.out);
  CHECK(polling.exit_code == 0);
  CHECK_THAT(
      line_of(polling.out, key),
      Catch::StartsWith("pass") && Catch::EndsWith("1 match, 1 fresh (need 1; max age 3 s)"));
  CHECK(probe({}, env).exit_code == 0);  // still healthy: no line

  REQUIRE(kill(consumer.pid(), SIGSTOP) == 0);  // the loop wedged, the process alive
  const Stopwatch since_stop;
  std::this_thread::sleep_for(milliseconds(3600));
  const auto wedged = probe({}, env);
  const double stopped_for = since_stop.seconds();
  INFO(wedged.out);
  CHECK(wedged.exit_code == 1);
  CHECK(std::regex_search(
      first_line(wedged.out),
      std::regex("^unhealthy: \\S+ 1 match, 0 fresh \\(need 1; max age 3 s\\): " + name +
                 " \\d+(\\.\\d)? s old$")));
  // The last beat came before the stop, by at most the loop's turn; the age counts from there.
  CHECK(seconds_before(first_line(wedged.out), " s old") >= 3.6);
  CHECK(seconds_before(first_line(wedged.out), " s old") <= 1.0 + stopped_for);
  CHECK(probe({}, env).exit_code == 1);  // still unhealthy: no line

  REQUIRE(kill(consumer.pid(), SIGCONT) == 0);
  // Healthy again once the resumed loop has beaten: a starved python may take a moment.
  bool healthy_again = false;
  for (int i = 0; i < 100 && !healthy_again; ++i) {
    std::this_thread::sleep_for(milliseconds(100));
    healthy_again = probe({}, env).exit_code == 0;
  }
  CHECK(healthy_again);

  const std::string lines = read_file(log);
  INFO(lines);
  std::vector<std::string> logged;
  std::istringstream stream(lines);
  for (std::string line; std::getline(stream, line);)
    logged.push_back(line.substr(line.find(' ') + 1));
  REQUIRE(logged.size() == 4);
  CHECK_THAT(logged[0], Catch::StartsWith("healthprobe: degraded (first run): " + key) &&
                            Catch::EndsWith("says \"starting\": waiting for config"));
  CHECK_THAT(logged[1],
             Catch::StartsWith("healthprobe: healthy again (was degraded: " + key + ")"));
  CHECK_THAT(logged[2], Catch::StartsWith("healthprobe: unhealthy (was healthy): " + key +
                                          " 1 match, 0 fresh"));
  CHECK(seconds_before(logged[2], " s old") >= 3.6);
  CHECK(seconds_before(logged[2], " s old") <= 1.0 + stopped_for);
  CHECK_THAT(logged[3],
             Catch::StartsWith("healthprobe: healthy again (was unhealthy: " + key + ")"));
}
