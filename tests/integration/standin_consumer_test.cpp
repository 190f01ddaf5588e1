// The stand-in's two consumers (docker/standin/src), run by the real python3 as the image runs
// them, with their heartbeats in a directory of the test's instead of /dev/shm, and probed with
// their containers' health check arguments (docker/MIGRATING.md): each consumer's glob matches its
// own file only, wait_for_ready_config reads as degraded, polling as healthy.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <thread>

#include "probe_runner.h"
#include "temp_dir.h"

using namespace test_support;
using std::chrono::milliseconds;

namespace {

// `python3 -m src.KIND` from docker/standin, its heartbeat under heartbeat_dir.
std::unique_ptr<BackgroundProcess> start_consumer(const std::string &module,
                                                  const std::string &heartbeat_dir,
                                                  bool config_ready) {
  EnvMap env = minimal_env();
  env["HEARTBEAT_DIR"] = heartbeat_dir;
  env["PYTHONDONTWRITEBYTECODE"] = "1";  // nothing written into the source tree
  if (config_ready) env["BenchlingSecret"] = "test-secret";
  return std::make_unique<BackgroundProcess>(
      std::vector<std::string>{python3(), "-m", "src." + module}, env, standin_webhook_dir());
}

// The worker check of the consumer's container: no HTTP, only its heartbeat glob.
ProcessResult worker_check(const std::string &glob) {
  return probe({"--no-http", "--venv", "none", "--writable", "none", "--no-oom", "--heartbeat",
                glob, "--heartbeat-max-age", "120s"});
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

}  // namespace

TEST_CASE("a stand-in consumer waiting for its config is degraded: alive, not yet working",
          "[standin]") {
  TempDir dir;
  const std::string shm = dir.path();
  auto consumer = start_consumer("sqs_consumer", shm, false);
  REQUIRE(consumer->read_line(milliseconds(10000)) ==
          "sqs_consumer: waiting for config (BenchlingSecret is unset)");
  const std::string name = "sqs-consumer-" + std::to_string(consumer->pid()) + ".hb";
  REQUIRE(appears(shm + "/" + name));

  const auto waiting = worker_check(shm + "/sqs-consumer-*.hb");
  INFO(waiting.out);
  CHECK(waiting.exit_code == 0);
  CHECK(first_line(waiting.out) == "degraded: heartbeat:" + shm +
                                       "/sqs-consumer-*.hb 1 match, 1 fresh (need 1; max age "
                                       "120 s): " +
                                       name + " says \"starting\": waiting for config");

  // The other consumer's glob does not count this one's file: each container checks its own.
  const auto other = worker_check(shm + "/packaging-consumer-*.hb");
  INFO(other.out);
  CHECK(other.exit_code == 1);
  CHECK_THAT(first_line(other.out),
             Catch::StartsWith("unhealthy: heartbeat:" + shm +
                               "/packaging-consumer-*.hb no heartbeat yet: nothing in " + shm +
                               " matches packaging-consumer-*.hb (need 1)"));
}

TEST_CASE("a polling stand-in consumer is healthy, writes only its heartbeat, stops on SIGTERM",
          "[standin]") {
  TempDir dir;
  const std::string shm = dir.path();
  auto consumer = start_consumer("packaging_consumer", shm, true);
  REQUIRE(consumer->read_line(milliseconds(10000)) ==
          "packaging_consumer: consuming none (PACKAGING_REQUEST_QUEUE_URL is unset), long polls "
          "of 20s");
  const std::string name = "packaging-consumer-" + std::to_string(consumer->pid()) + ".hb";
  REQUIRE(appears(shm + "/" + name));

  const auto polling = worker_check(shm + "/packaging-consumer-*.hb");
  INFO(polling.out);
  CHECK(polling.exit_code == 0);
  CHECK(first_line(polling.out) == "healthy: all checks passed");
  CHECK_THAT(polling.out, Catch::Contains("pass  heartbeat:" + shm +
                                          "/packaging-consumer-*.hb  1 match, 1 fresh (need 1; "
                                          "max age 120 s)"));
  // The atomic write's temporary file is gone: the directory holds the heartbeat alone.
  CHECK(read_file(shm + "/" + name) == R"({"status": "ok", "detail": "polling"})");
  CHECK(run_process({"/bin/ls", "-A", shm}, minimal_env()).out == name + "\n");

  REQUIRE(kill(consumer->pid(), SIGTERM) == 0);
  const auto stopped = consumer->wait_exit(milliseconds(10000));
  CHECK(stopped.exit_code == 0);
  CHECK(stopped.out == "packaging_consumer: stopped after 0 polls\n");
}
