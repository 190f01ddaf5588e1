#include "healthprobe/runtime/run.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <exception>
#include <new>

#include "healthprobe/checks/filesystem_check.h"
#include "healthprobe/checks/venv_check.h"
#include "healthprobe/http/http_check.h"
#include "healthprobe/parsing/duration.h"
#include "healthprobe/reporting/log.h"
#include "healthprobe/reporting/transition_log.h"
#include "healthprobe/runtime/leftover_file.h"
#include "healthprobe/runtime/memory_budget.h"
#include "healthprobe/runtime/thread_activity.h"
#include "healthprobe/runtime/utc_time.h"
#include "healthprobe/runtime/watchdog.h"

namespace healthprobe {
namespace {

// If a check is stuck in a system call the deadline cannot interrupt (a hung network mount),
// this much after the deadline the probe gives up on reporting in full and exits anyway.
constexpr std::chrono::milliseconds kStuckGrace{100};

Observation not_run(const Check &check, const std::string &why) {
  const std::string name = check.name();
  const auto colon = name.find(':');
  Observation observation{name.substr(0, colon),
                          colon == std::string::npos ? "" : name.substr(colon + 1)};
  observation.status = Status::Fail;
  observation.output = why;
  return observation;
}

void write_all(int fd, const char *data, size_t left) {
  while (left > 0) {
    const ssize_t written = ::write(fd, data, left);
    if (written <= 0) return;  // nobody is reading: the exit code still tells
    data += written;
    left -= static_cast<size_t>(written);
  }
}

// The watchdog's last word, when a check outlives the deadline by the grace period: whether it was
// still working (a flood to parse, a huge directory to list) or blocked in the kernel (a hung
// network mount) is told apart by the check thread's state. Runs on the watchdog thread while
// the check runs on: fixed storage, no allocation.
void give_up(bool quiet, const std::string &deadline, const std::vector<std::string> &check_names,
             const std::atomic<size_t> &running, pid_t check_thread) {
  leftover_file::remove_now();
  if (!quiet) {
    const size_t index = running.load();
    const char *check = index < check_names.size() ? check_names[index].c_str() : "a";
    std::array<char, 256> message{};
    int length = 0;
    switch (activity_of(check_thread)) {
      case ThreadActivity::Running:
        length = std::snprintf(message.data(), message.size(),
                               "unhealthy: the %s check was still working at the %s deadline "
                               "(busy, not blocked); gave up on it\n",
                               check, deadline.c_str());
        break;
      case ThreadActivity::Blocked:
        length = std::snprintf(message.data(), message.size(),
                               "unhealthy: the %s deadline passed with the %s check stuck in a "
                               "system call\n",
                               deadline.c_str(), check);
        break;
      case ThreadActivity::Unknown:
        length = std::snprintf(message.data(), message.size(),
                               "unhealthy: the %s deadline passed with the %s check unfinished "
                               "(stuck in a system call or still working)\n",
                               deadline.c_str(), check);
        break;
    }
    if (length > 0) {
      write_all(STDOUT_FILENO, message.data(),
                std::min(static_cast<size_t>(length), message.size() - 1));
    }
  }
  ::_exit(kExitUnhealthy);
}

}  // namespace

std::vector<std::unique_ptr<Check>> make_checks(const Options &options, const Environment &env) {
  std::vector<std::unique_ptr<Check>> checks;
  if (options.venv) checks.push_back(std::make_unique<VenvCheck>(*options.venv, options.require));
  FilesystemSettings filesystem{options.writable,          options.min_free,
                                env.get("PATH"),           env.get("HOME"),
                                env.get("XDG_CACHE_HOME"), env.get("UV_CACHE_DIR")};
  checks.push_back(std::make_unique<FilesystemCheck>(std::move(filesystem)));
  if (options.url)
    checks.push_back(
        std::make_unique<HttpCheck>(*options.url, options.expect_status, options.headers));
  return checks;
}

Report run_checks(const std::vector<std::unique_ptr<Check>> &checks, const Deadline &deadline,
                  Interruption &interruption, std::atomic<size_t> *running) {
  Report report;
  for (size_t index = 0; index < checks.size(); ++index) {
    const auto &check = checks[index];
    if (running != nullptr) running->store(index);
    if (deadline.expired()) {
      report.observations.push_back(not_run(
          *check, "not run: the " + format_duration(deadline.budget()) + " deadline had passed"));
      continue;
    }
    try {
      for (auto &observation : check->run(deadline, interruption))
        report.observations.push_back(std::move(observation));
    } catch (const std::bad_alloc &) {
      report.observations.push_back(not_run(*check, out_of_memory_message()));
    } catch (const std::exception &error) {
      report.observations.push_back(
          not_run(*check, std::string("internal error: ") + error.what()));
    }
  }
  report.elapsed = deadline.elapsed();
  report.time = utc_timestamp(std::time(nullptr));
  return report;
}

int run_probe(const Options &options, const Environment &env) {
  configure_logging(options.verbose);
  const Deadline deadline(options.timeout);
  const std::string deadline_text = format_duration(options.timeout);
  const auto checks = make_checks(options, env);
  std::vector<std::string> check_names;
  check_names.reserve(checks.size());
  for (const auto &check : checks) check_names.push_back(check->name());
  std::atomic<size_t> running{0};
  const pid_t check_thread = ::gettid();
  // One thread enforces the deadline for the whole run (creating it costs a probe ~60 us:
  // bench/STARTUP.md).
  Interruption interruption;
  Watchdog watchdog(
      deadline.end(), [&interruption] { interruption.interrupt(); }, deadline.end() + kStuckGrace,
      [&] { give_up(options.quiet, deadline_text, check_names, running, check_thread); });
  const Report report = run_checks(checks, deadline, interruption, &running);
  watchdog.disarm();
  log_transition(options, report, deadline);  // --log-to: one line when health changes
  spdlog::debug("ran {} checks in {} ms", checks.size(), report.elapsed.count());
  if (!options.quiet) {
    const std::string text = render_within(report, options.format, kOutputLimit - logged_bytes());
    write_all(STDOUT_FILENO, text.data(), text.size());
  }
  return report.status() == Status::Fail ? kExitUnhealthy : kExitHealthy;
}

}  // namespace healthprobe
