#include "healthprobe/runtime/run.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <ctime>
#include <exception>
#include <functional>
#include <new>
#include <optional>
#include <string>
#include <system_error>

#include "healthprobe/checks/filesystem_check.h"
#include "healthprobe/checks/heartbeat_check.h"
#include "healthprobe/checks/leftover_file.h"
#include "healthprobe/checks/oom_check.h"
#include "healthprobe/checks/venv_check.h"
#include "healthprobe/core/bounded_write.h"
#include "healthprobe/core/utc_time.h"
#include "healthprobe/http/http_check.h"
#include "healthprobe/parsing/duration.h"
#include "healthprobe/reporting/log.h"
#include "healthprobe/runtime/alarm_watchdog.h"
#include "healthprobe/runtime/deadline_keeper.h"
#include "healthprobe/runtime/memory_budget.h"
#include "healthprobe/runtime/thread_activity.h"
#include "healthprobe/runtime/watchdog.h"
#include "healthprobe/state/transition_log.h"

namespace healthprobe {
namespace {

// If a check is stuck in a system call the deadline cannot interrupt (a hung network mount),
// this much after the deadline the probe gives up on reporting in full and exits anyway.
constexpr std::chrono::milliseconds kStuckGrace{100};
// The change log stops waiting for another run's lock this long before the give-up, so that -v can
// still say why nothing was logged.
constexpr std::chrono::milliseconds kLockMargin{10};

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

// What the run ends with if the deadline keeper gives up after the checks have finished (the
// change log or the report write held it): the report is known by then, so it is what is said, and
// the verdict is the exit code. Set once, before the steps that may hold the run.
struct Epilogue {
  std::atomic<const std::string *> report{nullptr};
  std::atomic<int> exit_code{kExitUnhealthy};
  std::atomic<bool> writing{false};  // the run itself is writing the report: say nothing more
};

// The deadline keeper's give-up, on the watchdog thread or in the timer's signal handler: nothing
// here may allocate or wait. Only what stdout takes at once is written: nobody may be reading it.
[[noreturn]] void give_up(const GiveUpMessages &messages, const std::atomic<size_t> &running,
                          const Epilogue &epilogue, ThreadActivity activity) {
  leftover_file::remove_now();
  const auto now = Deadline::Clock::now();
  if (const std::string *report = epilogue.report.load()) {
    if (!epilogue.writing.load()) write_within(STDOUT_FILENO, report->data(), report->size(), now);
    ::_exit(epilogue.exit_code.load());
  }
  const auto &texts = messages.for_activity(activity);
  const size_t index = running.load();
  if (index < texts.size())
    write_within(STDOUT_FILENO, texts[index].data(), texts[index].size(), now);
  ::_exit(kExitUnhealthy);
}

}  // namespace

std::vector<std::unique_ptr<Check>> make_checks(const Options &options, const Environment &env,
                                                const std::shared_ptr<MountTableFile> &mounts) {
  std::vector<std::unique_ptr<Check>> checks;
  if (options.venv) checks.push_back(std::make_unique<VenvCheck>(*options.venv, options.require));
  FilesystemSettings filesystem{options.writable,          options.min_free,
                                env.get("PATH"),           env.get("HOME"),
                                env.get("XDG_CACHE_HOME"), env.get("UV_CACHE_DIR")};
  checks.push_back(std::make_unique<FilesystemCheck>(std::move(filesystem)));
  for (const auto &path : options.heartbeats) {
    checks.push_back(std::make_unique<HeartbeatCheck>(
        HeartbeatSettings{path, options.heartbeat_max_age, options.heartbeat_min}));
  }
  if (options.oom) checks.push_back(std::make_unique<OomCheck>(mounts));
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
        if (const std::string why = check->silent_because(); !why.empty()) log_debug("{}", why);
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
  const auto mounts = std::make_shared<MountTableFile>();
  const auto checks = make_checks(options, env, mounts);
  // One schedule for the whole run, checks, change log and report alike: interrupt at the
  // deadline, give up a grace period later.
  const auto give_up_at = deadline.end() + kStuckGrace;
  const bool touches_files = options.log_to.has_value() ||
                             std::any_of(checks.begin(), checks.end(), [](const auto &check) {
                               return check->may_block_uninterruptibly();
                             });
  const DeadlineKeeper keeper = choose_deadline_keeper(touches_files, *mounts);
  std::atomic<size_t> running{0};
  Epilogue epilogue;
  Interruption interruption;
  GiveUpMessages messages(checks, options, keeper.thread);
  const std::function<void()> give_up_in_handler = [&messages, &running, &epilogue] {
    give_up(messages, running, epilogue, ThreadActivity::Running);
  };
  std::optional<Watchdog> thread;
  const auto start_thread = [&]() {
    if (!keeper.thread) messages = GiveUpMessages(checks, options, true);  // a fallback
    const pid_t check_thread = ::gettid();
    try {
      thread.emplace(
          deadline.end(), [&interruption] { interruption.interrupt(); }, give_up_at,
          [&messages, &running, &epilogue, check_thread] {
            give_up(messages, running, epilogue, activity_of(check_thread));
          });
    } catch (const std::system_error &error) {
      // No thread can start (RLIMIT_NPROC, a pids cgroup at its limit). Only a file system call
      // hung in the kernel could then outlast the timer, and nothing in this process can end that
      // without a thread.
      log_debug("no watchdog thread ({})", error.what());
    }
    return thread.has_value();
  };
  std::optional<AlarmWatchdog> alarm;
  const auto start_timer = [&]() {
    alarm.emplace(deadline.end(), interruption, give_up_at, give_up_in_handler);
    if (!alarm->armed()) alarm.reset();
    return alarm.has_value();
  };
  const bool kept =
      keeper.thread ? start_thread() || start_timer() : start_timer() || start_thread();
  log_debug("deadline kept by {} ({})",
            !kept ? "nothing: neither a timer nor a thread could start"
                  : (thread ? "a watchdog thread" : "a timer signal"),
            keeper.why);

  const Report report = run_checks(checks, deadline, interruption, &running);
  const int exit_code = report.status() == Status::Fail ? kExitUnhealthy : kExitHealthy;
  // The -v log may still write up to its cap after this, so the report leaves room for it.
  const std::string text =
      options.quiet ? std::string()
                    : render_within(report, options.format,
                                    kOutputLimit - (debug_logging() ? kLogLimit : logged_bytes()));
  epilogue.exit_code.store(exit_code);
  epilogue.report.store(&text);

  log_transition(options, report, give_up_at - kLockMargin);  // --log-to: one line per change
  log_debug("ran {} checks in {} ms", checks.size(), report.elapsed.count());
  // A stdout nobody reads (a full pipe, a terminal stopped with XOFF) holds the probe no longer
  // than a stuck check would: the report is dropped and the exit code still tells the verdict.
  epilogue.writing.store(true);
  write_within(STDOUT_FILENO, text.data(), text.size(),
               std::max(give_up_at, Deadline::Clock::now() + kStuckGrace));
  if (alarm) alarm->disarm();
  if (thread) thread->disarm();
  return exit_code;
}

}  // namespace healthprobe
