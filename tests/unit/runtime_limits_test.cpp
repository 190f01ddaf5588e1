// The run's defences, exercised for real in this process or a forked child: the memory budget
// (RLIMIT_AS, a real allocation), the check thread's state at give-up (real threads, busy and
// blocked), and free-space arithmetic that must saturate rather than wrap.
#include <catch2/catch.hpp>

#include "skip.h"

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <ctime>
#include <memory>
#include <thread>

#include "healthprobe/checks/filesystem_check.h"
#include "healthprobe/core/utc_time.h"
#include "healthprobe/runtime/memory_budget.h"
#include "healthprobe/runtime/run.h"
#include "healthprobe/runtime/thread_activity.h"

using namespace healthprobe;

namespace {

// A check with a parser bug: it asks for far more memory than any health check needs.
class RunawayCheck : public Check {
 public:
  std::string name() const override { return "runaway"; }
  std::vector<Observation> run(const Deadline & /*deadline*/, Interruption & /*unused*/) override {
    const size_t one_gib = size_t{1} << 30;
    std::unique_ptr<char[]> block(new char[one_gib]);
    volatile char *touch = block.get();  // keeps the allocation from being optimised away
    touch[0] = 1;
    touch[one_gib - 1] = 1;
    return {Observation{"runaway", "ok"}};
  }
};

}  // namespace

TEST_CASE("a check that allocates past the budget fails the run cleanly, with the reason",
          "[runtime][may-skip]") {
  // In a child: the cap lasts for the rest of the process that sets it.
  int pipe_fds[2];
  REQUIRE(pipe(pipe_fds) == 0);
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    close(pipe_fds[0]);
    if (!cap_memory()) _exit(77);  // sanitizer build: no cap to test
    std::vector<std::unique_ptr<Check>> checks;
    checks.push_back(std::make_unique<RunawayCheck>());
    Interruption interruption;
    const Report report = run_checks(checks, Deadline(std::chrono::seconds(5)), interruption);
    const std::string output = report.observations.at(0).output;
    const bool failed = report.status() == Status::Fail;
    if (write(pipe_fds[1], output.data(), output.size()) < 0) _exit(3);
    _exit(failed ? 0 : 1);
  }
  close(pipe_fds[1]);
  std::string output;
  char buffer[512];
  ssize_t got = 0;
  while ((got = read(pipe_fds[0], buffer, sizeof buffer)) > 0)
    output.append(buffer, static_cast<size_t>(got));
  close(pipe_fds[0]);
  int status = 0;
  waitpid(child, &status, 0);
  REQUIRE(WIFEXITED(status));
  if (WEXITSTATUS(status) == 77)
    HEALTHPROBE_SKIP("sanitizer build: the memory cap is skipped, nothing to test");
  CHECK(WEXITSTATUS(status) == 0);  // reported as a failed check, not a crash
  CHECK(output == "probe ran out of its 128 MiB memory budget (a bug: please report it)");
}

TEST_CASE("a thread computing is told from a thread blocked in a system call", "[runtime]") {
  std::atomic<pid_t> busy_id{0};
  std::atomic<bool> stop{false};
  std::thread busy([&] {
    busy_id = gettid();
    while (!stop) {
    }
  });
  int pipe_fds[2];
  REQUIRE(pipe(pipe_fds) == 0);
  std::atomic<pid_t> blocked_id{0};
  std::thread blocked([&] {
    blocked_id = gettid();
    char byte = 0;
    (void)!read(pipe_fds[0], &byte, 1);  // blocks until the test writes
  });
  while (busy_id == 0 || blocked_id == 0) std::this_thread::yield();
  // Give the reader time to enter read(); the spinner may be preempted on a loaded machine, so a
  // few looks are allowed to see it running.
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  bool seen_running = false;
  for (int look = 0; look < 50 && !seen_running; ++look) {
    seen_running = activity_of(busy_id) == ThreadActivity::Running;
    if (!seen_running) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(seen_running);
  CHECK(activity_of(blocked_id) == ThreadActivity::Blocked);
  CHECK(activity_of(-5) == ThreadActivity::Unknown);
  stop = true;
  (void)!write(pipe_fds[1], "x", 1);
  busy.join();
  blocked.join();
  close(pipe_fds[0]);
  close(pipe_fds[1]);
}

TEST_CASE("free space saturates instead of wrapping past 2^64", "[runtime]") {
  CHECK(available_bytes(1000, 4096) == 4096000);
  CHECK(available_bytes(0, 4096) == 0);
  // Counts some FUSE and network filesystems report: the product is past 64 bits.
  CHECK(available_bytes(std::uint64_t{1} << 62, 4096) == UINT64_MAX);
  CHECK(available_bytes(UINT64_MAX, 2) == UINT64_MAX);
}

TEST_CASE("the report's UTC timestamp matches gmtime, without reading /etc/localtime",
          "[runtime]") {
  CHECK(utc_timestamp(0) == "1970-01-01T00:00:00Z");
  CHECK(utc_timestamp(951782400) == "2000-02-29T00:00:00Z");   // a leap day of a century year
  CHECK(utc_timestamp(4107542399) == "2100-02-28T23:59:59Z");  // 2100 is not a leap year
  CHECK(utc_timestamp(-1) == "1969-12-31T23:59:59Z");
  for (std::int64_t seconds = 0; seconds < 5'000'000'000; seconds += 7'777'777) {
    const std::time_t when = seconds;
    std::tm parts{};
    gmtime_r(&when, &parts);
    char expected[32];
    std::strftime(expected, sizeof expected, "%Y-%m-%dT%H:%M:%SZ", &parts);
    CHECK(utc_timestamp(seconds) == expected);
  }
}

TEST_CASE("checks the deadline left no time for are keyed as they would have been", "[runtime]") {
  // A skipped check keyed "filesystem" instead of "filesystem:/a" reads as a new check at fault
  // in the change log, and a dir the check itself no longer reached went missing altogether.
  FilesystemSettings settings;
  settings.writable = {"/a", "/b"};
  std::vector<std::unique_ptr<Check>> checks;
  checks.push_back(std::make_unique<FilesystemCheck>(settings));
  checks.push_back(std::make_unique<FilesystemCheck>(FilesystemSettings{}));
  Interruption interruption;
  const Deadline expired(std::chrono::milliseconds(1));
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const Report report = run_checks(checks, expired, interruption);
  std::vector<std::string> keys;
  for (const auto &observation : report.observations) {
    keys.push_back(observation_key(observation));
    CHECK(observation.status == Status::Fail);
    CHECK(observation.output == "not run: the 1ms deadline had passed");
  }
  CHECK(keys == std::vector<std::string>{"filesystem:/a", "filesystem:/b", "filesystem:/"});
}

TEST_CASE("a filesystem check that runs out of time names each dir it did not reach", "[runtime]") {
  FilesystemSettings settings;
  settings.writable = {"/tmp", "/tmp", "/tmp"};
  FilesystemCheck check(settings);
  Interruption interruption;
  const Deadline expired(std::chrono::milliseconds(1));
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const auto observations = check.run(expired, interruption);
  REQUIRE(observations.size() == 4);  // three dirs not reached, then the root's mode
  for (size_t i = 0; i < 3; ++i) {
    CHECK(observation_key(observations[i]) == "filesystem:/tmp");
    CHECK(observations[i].status == Status::Fail);
  }
}
