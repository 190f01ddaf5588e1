#include "healthprobe/runtime/run.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <ctime>
#include <exception>
#include <new>
#include <optional>
#include <string>
#include <system_error>

#include "healthprobe/checks/filesystem_check.h"
#include "healthprobe/checks/leftover_file.h"
#include "healthprobe/checks/venv_check.h"
#include "healthprobe/core/bounded_write.h"
#include "healthprobe/core/utc_time.h"
#include "healthprobe/http/http_check.h"
#include "healthprobe/parsing/duration.h"
#include "healthprobe/reporting/log.h"
#include "healthprobe/runtime/alarm_watchdog.h"
#include "healthprobe/runtime/memory_budget.h"
#include "healthprobe/runtime/thread_activity.h"
#include "healthprobe/runtime/watchdog.h"
#include "healthprobe/state/transition_log.h"

namespace healthprobe {
namespace {

// If a check is stuck in a system call the deadline cannot interrupt (a hung network mount),
// this much after the deadline the probe gives up on reporting in full and exits anyway.
constexpr std::chrono::milliseconds kStuckGrace{100};

// The watchdog's last word, when a check outlives the deadline by the grace period: whether it was
// still working (a flood to parse, a huge directory to list) or blocked in the kernel (a hung
// network mount).
std::string give_up_reason(ThreadActivity activity, const std::string &check,
                           const std::string &deadline) {
  switch (activity) {
    case ThreadActivity::Running:
      return "the " + check + " check was still working at the " + deadline +
             " deadline (busy, not blocked); gave up on it";
    case ThreadActivity::Blocked:
      return "the " + deadline + " deadline passed with the " + check +
             " check stuck in a system call";
    case ThreadActivity::Unknown:
      break;
  }
  return "the " + deadline + " deadline passed with the " + check +
         " check unfinished (stuck in a system call or still working)";
}

// One message per check and activity, rendered before the run: the give-up happens on a watchdog
// thread while the check runs on, or in a signal handler, where nothing may allocate.
struct GiveUpMessages {
  std::vector<std::string> running, blocked, unknown;

  // A timer signal's handler runs on the check's own thread, which is then working, not blocked:
  // only the watchdog thread needs the other two.
  GiveUpMessages(const std::vector<std::unique_ptr<Check>> &checks, const Options &options,
                 bool for_thread)
      : format_(options.format) {
    if (options.quiet) return;
    deadline_ = format_duration(options.timeout);
    if (format_ == Format::Json) {
      // The JSON report's time: when the give-up would come, to the second.
      const auto until = std::chrono::ceil<std::chrono::seconds>(options.timeout + kStuckGrace);
      time_ = utc_timestamp(std::time(nullptr) + until.count());
    }
    for (const auto &check : checks) {
      running.push_back(message(ThreadActivity::Running, *check));
      if (!for_thread) continue;
      blocked.push_back(message(ThreadActivity::Blocked, *check));
      unknown.push_back(message(ThreadActivity::Unknown, *check));
    }
  }

  const std::vector<std::string> &for_activity(ThreadActivity activity) const {
    switch (activity) {
      case ThreadActivity::Running:
        return running;
      case ThreadActivity::Blocked:
        return blocked;
      case ThreadActivity::Unknown:
        break;
    }
    return unknown;
  }

 private:
  // In the report's format: a verdict line, or a JSON report whose check failed this way.
  std::string message(ThreadActivity activity, const Check &check) const {
    const std::string reason = give_up_reason(activity, check.name(), deadline_);
    if (format_ == Format::Text) return "unhealthy: " + reason + "\n";
    Report report;
    report.observations = check.not_run(reason);
    report.time = time_;
    return render_within(report, Format::Json, kOutputLimit);
  }

  Format format_;
  std::string deadline_;
  std::string time_;
};

// The watchdog thread's give-up: which message is told by the check thread's state.
void give_up(const GiveUpMessages &messages, const std::atomic<size_t> &running,
             pid_t check_thread) {
  leftover_file::remove_now();
  const auto &texts = messages.for_activity(activity_of(check_thread));
  const size_t index = running.load();
  // Only what stdout takes at once: nobody may be reading it, and the give-up is already late.
  if (index < texts.size())
    write_within(STDOUT_FILENO, texts[index].data(), texts[index].size(), Deadline::Clock::now());
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
    std::vector<Observation> observations;
    if (deadline.expired()) {
      observations = check->not_run("not run: the " + format_duration(deadline.budget()) +
                                    " deadline had passed");
    } else {
      try {
        observations = check->run(deadline, interruption);
      } catch (const std::bad_alloc &) {
        observations = check->not_run(out_of_memory_message());
      } catch (const std::exception &error) {
        observations = check->not_run(std::string("internal error: ") + error.what());
      }
    }
    for (auto &observation : observations) report.observations.push_back(std::move(observation));
  }
  report.elapsed = deadline.elapsed();
  report.time = utc_timestamp(std::time(nullptr));
  return report;
}

int run_probe(const Options &options, const Environment &env) {
  configure_logging(options.verbose);
  const Deadline deadline(options.timeout);
  const auto checks = make_checks(options, env);
  std::atomic<size_t> running{0};
  Interruption interruption;
  // The deadline is enforced by a timer signal when no check can sleep where a signal does not
  // reach (the HTTP check, and the root file system's mode), else by a watchdog thread, whose
  // start-up is a large share of an HTTP-only probe's cost over a raw socket (bench/STARTUP.md).
  const bool needs_thread = std::any_of(checks.begin(), checks.end(), [](const auto &check) {
    return check->may_block_uninterruptibly();
  });
  GiveUpMessages messages(checks, options, needs_thread);
  std::optional<AlarmWatchdog> alarm;
  if (!needs_thread) {
    alarm.emplace(deadline.end(), interruption, deadline.end() + kStuckGrace, messages.running,
                  running);
  }
  std::optional<Watchdog> thread;
  if (!alarm || !alarm->armed()) {
    if (!needs_thread) messages = GiveUpMessages(checks, options, true);
    const pid_t check_thread = ::gettid();
    try {
      thread.emplace(
          deadline.end(), [&interruption] { interruption.interrupt(); },
          deadline.end() + kStuckGrace,
          [&messages, &running, check_thread] { give_up(messages, running, check_thread); });
    } catch (const std::system_error &error) {
      // No thread can start (RLIMIT_NPROC, a pids cgroup at its limit): the timer keeps the
      // deadline for every wait a signal can end. Only a file system call hung in the kernel could
      // outlast it, which nothing in this process can end without a thread.
      log_debug("no watchdog thread ({}): a timer signal keeps the deadline", error.what());
      if (!alarm) {
        alarm.emplace(deadline.end(), interruption, deadline.end() + kStuckGrace, messages.running,
                      running);
      }
    }
  }
  const Report report = run_checks(checks, deadline, interruption, &running);
  if (alarm) alarm->disarm();
  if (thread) thread->disarm();
  log_transition(options, report, deadline);  // --log-to: one line when health changes
  log_debug("ran {} checks in {} ms", checks.size(), report.elapsed.count());
  if (!options.quiet) {
    const std::string text = render_within(report, options.format, kOutputLimit - logged_bytes());
    // A stdout nobody reads (a full pipe, a terminal stopped with XOFF) holds the probe no longer
    // than a stuck check would: the report is dropped and the exit code still tells the verdict.
    write_within(STDOUT_FILENO, text.data(), text.size(),
                 std::max(deadline.end(), Deadline::Clock::now()) + kStuckGrace);
  }
  return report.status() == Status::Fail ? kExitUnhealthy : kExitHealthy;
}

}  // namespace healthprobe
