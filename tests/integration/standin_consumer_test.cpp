// The stand-in's two consumers (docker/standin/src), run by the real python3 as the image runs
// them, with their heartbeats in a directory of the test's instead of /dev/shm, and probed with
// their containers' health check arguments (docker/MIGRATING.md, step 2): each consumer's glob
// matches its own file only, wait_for_ready_config reads as degraded, polling as healthy, a loop
// stopped with SIGSTOP as unhealthy once its heartbeat is older than the maximum age, SIGCONT as
// healthy again; a heartbeat that cannot be written never stops the loop.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <regex>
#include <sstream>
#include <thread>

#include "probe_runner.h"
#include "temp_dir.h"
#include "worker_scratch.h"

using namespace test_support;
using std::chrono::milliseconds;

namespace {

// `python3 -m src.MODULE` from docker/standin, its heartbeat under heartbeat_dir; its config
// complete (BenchlingSecret set) or not; its long poll shortened to long_poll (seconds) if given.
EnvMap consumer_env(const std::string &heartbeat_dir, bool config_ready,
                    const std::string &long_poll = "") {
  EnvMap env = minimal_env();
  env["HEARTBEAT_DIR"] = heartbeat_dir;
  env["PYTHONDONTWRITEBYTECODE"] = "1";  // nothing written into the source tree
  if (config_ready) env["BenchlingSecret"] = "test-secret";
  if (!long_poll.empty()) env["STANDIN_LONG_POLL_SECONDS"] = long_poll;
  return env;
}

std::unique_ptr<BackgroundProcess> start_consumer(const std::string &module, const EnvMap &env) {
  return std::make_unique<BackgroundProcess>(
      std::vector<std::string>{python3(), "-m", "src." + module}, env, standin_webhook_dir());
}

// The consumer container's health check (MIGRATING.md: --no-http --writable /tmp --heartbeat GLOB
// --heartbeat-max-age AGE --timeout 3s), with the test's directory for /tmp and /dev/shm, and no
// OOM count: this sandbox's memory cgroup is shared with other tests that OOM-kill on purpose.
std::vector<std::string> worker_check(const std::string &dir, const std::string &glob,
                                      const std::string &max_age,
                                      const std::vector<std::string> &more = {}) {
  std::vector<std::string> args{
      "--no-http",           "--writable", dir,         "--heartbeat", dir + "/" + glob,
      "--heartbeat-max-age", max_age,      "--timeout", "3s",          "--no-oom"};
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

// Waits up to 10 s for path to exist.
bool appears(const std::string &path) {
  struct stat st {};
  for (int i = 0; i < 200; ++i) {
    if (stat(path.c_str(), &st) == 0) return true;
    std::this_thread::sleep_for(milliseconds(50));
  }
  return false;
}

std::vector<std::string> lines_of(const std::string &text) {
  std::vector<std::string> out;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) out.push_back(line);
  return out;
}

}  // namespace

TEST_CASE(
    "stand-in consumers side by side: waiting for config is degraded, polling healthy, "
    "each glob matches only its own consumer",
    "[standin]") {
  TempDir dir;
  const std::string shm = dir.path();
  auto waiting = start_consumer("sqs_consumer", consumer_env(shm, false));
  auto polling = start_consumer("packaging_consumer", consumer_env(shm, true));
  REQUIRE(waiting->read_line(milliseconds(10000)) ==
          "sqs_consumer: waiting for config (BenchlingSecret is unset)");
  REQUIRE(polling->read_line(milliseconds(10000)) ==
          "packaging_consumer: consuming none (PACKAGING_REQUEST_QUEUE_URL is unset), long polls "
          "of 20s");
  const std::string waiting_file = "sqs-consumer-" + std::to_string(waiting->pid()) + ".hb";
  const std::string polling_file = "packaging-consumer-" + std::to_string(polling->pid()) + ".hb";
  REQUIRE(appears(shm + "/" + waiting_file));
  REQUIRE(appears(shm + "/" + polling_file));

  // The event consumer's container: its glob sees its own file only, which says it waits.
  const auto events = probe(worker_check(shm, "sqs-consumer-*.hb", "120s"));
  INFO(events.out);
  CHECK(events.exit_code == 0);
  CHECK(first_line(events.out) == "degraded: heartbeat:" + shm +
                                      "/sqs-consumer-*.hb 1 match, 1 fresh (need 1; max age "
                                      "120 s): " +
                                      waiting_file + " says \"starting\": waiting for config");

  // The packaging consumer's container: its own file only, polling: every check passes.
  const auto packaging = probe(worker_check(shm, "packaging-consumer-*.hb", "120s"));
  INFO(packaging.out);
  CHECK(packaging.exit_code == 0);
  CHECK_THAT(first_line(packaging.out), Catch::StartsWith("healthy: "));
  CHECK_THAT(
      line_of(packaging.out, "heartbeat:" + shm + "/packaging-consumer..."),
      Catch::StartsWith("pass") && Catch::EndsWith("1 match, 1 fresh (need 1; max age 120 s)"));

  // Control: a glob for both kinds sees both files, so "1 match" above is each glob's own.
  const auto both = probe(worker_check(shm, "*-consumer-*.hb", "120s", {"--heartbeat-min", "2"}));
  INFO(both.out);
  CHECK(both.exit_code == 0);
  CHECK_THAT(both.out, Catch::Contains("2 match, 2 fresh (need 2; max age 120 s)"));

  // What the files say, and nothing else in the directory: the atomic writes' temporary files
  // are gone.
  CHECK(read_file(shm + "/" + polling_file) == R"({"status": "ok", "detail": "polling"})");
  CHECK(read_file(shm + "/" + waiting_file) ==
        R"({"status": "starting", "detail": "waiting for config"})");
  CHECK(list_names(shm) == (polling_file < waiting_file ? polling_file + "\n" + waiting_file
                                                        : waiting_file + "\n" + polling_file) +
                               "\n");

  // SIGTERM (docker stop, ECS stopTimeout) ends either loop at once, with exit 0.
  for (auto *consumer : {waiting.get(), polling.get()}) {
    REQUIRE(kill(consumer->pid(), SIGTERM) == 0);
    const auto stopped = consumer->wait_exit(milliseconds(10000));
    CHECK(stopped.exit_code == 0);
    CHECK_THAT(stopped.out, Catch::EndsWith("stopped after 0 polls\n"));
  }
}

TEST_CASE(
    "a stand-in consumer stopped with SIGSTOP turns unhealthy once its heartbeat passes "
    "the max age, SIGCONT makes it healthy again, one log line each",
    "[standin]") {
  const WorkerScratch scratch;
  const std::string &shm = scratch.shm;
  const std::string &state = scratch.state;
  const std::string &log = scratch.log;
  // Long polls of 0.5 s and a max age of 3 s: the service's 20 s and 120 s, scaled down.
  auto consumer = start_consumer("sqs_consumer", consumer_env(shm, true, "0.5"));
  REQUIRE(consumer->read_line(milliseconds(10000)) ==
          "sqs_consumer: consuming none (PACKAGE_EVENT_QUEUE_URL is unset), long polls of 0.5s");
  const std::string name = "sqs-consumer-" + std::to_string(consumer->pid()) + ".hb";
  REQUIRE(appears(shm + "/" + name));
  const auto check = [&] {
    return probe(
        worker_check(shm, "sqs-consumer-*.hb", "3s", {"--log-to", log, "--state-dir", state}));
  };

  // Polling across several turns: healthy at each look, the file touched every turn.
  for (int i = 0; i < 4; ++i) {
    REQUIRE(consumer->read_line(milliseconds(5000)) ==
            "sqs_consumer: poll " + std::to_string(i + 1) + ": 0 messages");
    const auto polling = check();
    INFO(polling.out);
    CHECK(polling.exit_code == 0);
    CHECK_THAT(first_line(polling.out), Catch::StartsWith("healthy: "));
  }

  REQUIRE(kill(consumer->pid(), SIGSTOP) == 0);  // the loop wedged, the process alive
  const auto stopped_at = std::chrono::steady_clock::now();
  const auto just_stopped = check();
  INFO(just_stopped.out);
  CHECK(just_stopped.exit_code == 0);  // its last heartbeat is still within the max age

  ProcessResult wedged;
  while (std::chrono::steady_clock::now() - stopped_at < std::chrono::seconds(20)) {
    wedged = check();
    if (wedged.exit_code != 0) break;
    std::this_thread::sleep_for(milliseconds(200));
  }
  const auto after =
      std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - stopped_at);
  INFO(wedged.out << "after " << after.count() << " ms");
  CHECK(wedged.exit_code == 1);
  // Not before the max age less one turn (the last touch came up to one turn before the stop).
  CHECK(after >= milliseconds(2400));
  CHECK(std::regex_search(
      first_line(wedged.out),
      std::regex("^unhealthy: heartbeat:\\S+ 1 match, 0 fresh \\(need 1; max age 3 s\\): " + name +
                 " [3-9](\\.\\d)? s old$")));
  CHECK(check().exit_code == 1);  // still unhealthy: no second line

  REQUIRE(kill(consumer->pid(), SIGCONT) == 0);
  ProcessResult resumed;
  for (int i = 0; i < 50; ++i) {
    resumed = check();
    if (resumed.exit_code == 0) break;
    std::this_thread::sleep_for(milliseconds(100));
  }
  INFO(resumed.out);
  CHECK(resumed.exit_code == 0);
  CHECK(check().exit_code == 0);  // still healthy: no second line

  const std::string key = "heartbeat:" + shm + "/sqs-consumer-*.hb";
  auto logged = lines_of(read_file(log));
  INFO(read_file(log));
  REQUIRE(logged.size() == 3);
  for (auto &line : logged) line = line.substr(line.find(' ') + 1);  // the timestamp off
  CHECK_THAT(logged[0], Catch::StartsWith("healthprobe: healthy (first run)"));
  CHECK_THAT(logged[1], Catch::StartsWith("healthprobe: unhealthy (was healthy): " + key +
                                          " 1 match, 0 fresh") &&
                            Catch::Matches(".*" + name + " [3-9](\\.\\d)? s old"));
  CHECK_THAT(logged[2],
             Catch::StartsWith("healthprobe: healthy again (was unhealthy: " + key + ")"));
}

TEST_CASE("a stand-in consumer whose heartbeat cannot be written keeps polling and says so once",
          "[standin]") {
  TempDir dir;
  // No such directory: every write fails (ENOENT), as on a machine without /dev/shm.
  auto env = consumer_env(dir / "missing", true, "0.2");
  const auto run = run_process({"timeout", "-s", "TERM", "3", python3(), "-m", "src.sqs_consumer"},
                               env, std::chrono::seconds(20), standin_webhook_dir());
  INFO(run.out << run.err);
  CHECK(run.exit_code == 124);  // ended by timeout's SIGTERM, not by an exception of its own
  CHECK_THAT(run.out, Catch::Contains("sqs_consumer: poll 5: 0 messages") &&
                          Catch::Contains("sqs_consumer: stopped after"));
  const auto errors = lines_of(run.err);
  REQUIRE(errors.size() == 1);
  CHECK_THAT(errors[0], Catch::StartsWith("heartbeat: cannot write " + dir.path() +
                                          "/missing/sqs-consumer-") &&
                            Catch::Contains("No such file or directory"));

  // Control: the same consumer with its directory there writes no error at all.
  REQUIRE(mkdir((dir / "missing").c_str(), 0755) == 0);
  const auto fine = run_process({"timeout", "-s", "TERM", "2", python3(), "-m", "src.sqs_consumer"},
                                env, std::chrono::seconds(20), standin_webhook_dir());
  CHECK(fine.err.empty());
  CHECK(list_names(dir / "missing").find("sqs-consumer-") == 0);
}
