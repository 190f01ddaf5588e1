#include "healthprobe/state/transition_log.h"

#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <memory>
#include <mutex>
#include <system_error>
#include <thread>

#include "healthprobe/core/text.h"
#include "healthprobe/reporting/log.h"
#include "healthprobe/state/configuration_key.h"
#include "healthprobe/state/log_target.h"
#include "healthprobe/state/state_file.h"
#include "healthprobe/state/transition.h"

namespace healthprobe {
namespace {

using Clock = std::chrono::steady_clock;

// The thread stops waiting for another run's lock this long before the main thread gives up on
// it, so -v can say why nothing was logged.
constexpr std::chrono::milliseconds kLockMargin{10};

// Everything the logging thread needs, owned jointly so that a thread stuck in a system call
// (a state dir on a hung network mount) can be abandoned safely at the deadline.
struct Job {
  std::string target;
  Format format = Format::Text;
  std::vector<std::string> state_dirs;
  std::string state_name;  // the configuration's file in whichever state dir works
  Report report;
  Clock::time_point give_up;

  std::mutex mutex;
  std::condition_variable finished;
  bool done = false;
  std::vector<std::string> notes;  // for -v, logged by the main thread
};

// One non-blocking write(2) of the whole line: atomic on a pipe (it is under PIPE_BUF), so it never
// interleaves with the application's own lines. Returns "" on success, else what went wrong.
std::string append_line(const std::string &target, const std::string &line) {
  const std::string name = printable(target, 80);
  std::string refused;
  const int fd = open_log_target(target, refused);
  if (fd < 0) return refused;
  const ssize_t written = ::write(fd, line.data(), line.size());
  const int error = errno;
  ::close(fd);
  if (written == static_cast<ssize_t>(line.size())) return "";
  if (written >= 0) return name + ": only part of the line was written";
  if (error == EAGAIN) return name + " is full (its reader is behind): line dropped";
  return "cannot write to " + name + ": " + std::strerror(error);
}

// What the state file says of the previous run, with a -v note where that is not plain.
Previous previous_of(const StateFile &file, HealthState &before, std::vector<std::string> &notes) {
  const std::string name = printable(file.path(), 80);
  const std::string content = file.read();
  if (!content.empty()) {
    if (auto parsed = parse_health_state(content)) {
      before = *parsed;
      return Previous::Known;
    }
    notes.push_back("transition log: " + name + " is not a state file; starting afresh");
    return Previous::Unreadable;
  }
  switch (file.origin()) {
    case StateFile::Origin::Created:
      return Previous::FirstRun;
    case StateFile::Origin::Replaced:
      notes.push_back("transition log: " + name + " was " + file.replaced_what() +
                      ", not a state file of ours; replaced it");
      return Previous::Unreadable;
    case StateFile::Origin::Existing:
      break;
  }
  // Only a failed save leaves a state file empty: a new one is locked before it has a name.
  notes.push_back("transition log: " + name +
                  " is empty: an earlier run could not save its state; logging every non-healthy "
                  "run until one can");
  return Previous::Untracked;
}

std::vector<std::string> record(const Job &job) {
  std::vector<std::string> notes;
  std::optional<StateFile> file;
  std::string tried;
  for (const auto &dir : job.state_dirs) {
    std::string why;
    bool busy = false;
    file = StateFile::open_locked(dir, job.state_name, job.give_up - kLockMargin, why, busy);
    if (file) break;
    // Logging without the lock could repeat the line the lock holder is writing.
    if (busy) return {"transition log: " + printable(why, 160) + "; nothing logged"};
    tried += (tried.empty() ? "" : "; ") + why;
  }

  Previous previous = Previous::Untracked;
  HealthState before;
  if (!file) {
    notes.push_back("transition log: no writable state dir (" + printable(tried, 240) +
                    "): logging every non-healthy run");
  } else {
    previous = previous_of(*file, before, notes);
  }

  const HealthState now = state_of(job.report);
  if (worth_logging(previous, before, now)) {
    const std::string failure =
        append_line(job.target, transition_line(job.report, previous, before, job.format));
    if (!failure.empty()) {
      // The state is kept as it was, so the next run tries this change again; a file this run
      // made is removed again, so that the next run, too, is a first run.
      if (file && file->origin() != StateFile::Origin::Existing) file->remove();
      notes.push_back("transition log: " + failure);
      return notes;
    }
    notes.push_back(std::string("transition log: logged ") + verdict_word(now.status));
  } else {
    notes.push_back(std::string("transition log: still ") + verdict_word(now.status) +
                    ", nothing logged");
    if (previous == Previous::Known) return notes;  // the file already says so
  }
  if (file && !file->replace(format_health_state(now))) {
    notes.push_back("transition log: cannot save " + printable(file->path(), 80) + ": " +
                    std::strerror(errno) + "; logging every non-healthy run until it can");
  }
  return notes;
}

}  // namespace

void log_transition(const Options &options, const Report &report, const Deadline &deadline) {
  if (!options.log_to) return;
  auto job = std::make_shared<Job>();
  job->target = *options.log_to;
  job->format = options.log_format;
  job->state_dirs = state_dir_candidates(options.state_dir, options.writable);
  job->state_name = state_file_name(options, ::geteuid());
  job->report = report;
  job->give_up = std::max(deadline.end(), Clock::now() + kLogGrace);
  try {
    std::thread([job] {
      auto notes = record(*job);
      const std::lock_guard<std::mutex> lock(job->mutex);
      job->notes = std::move(notes);
      job->done = true;
      job->finished.notify_all();
    }).detach();
  } catch (const std::system_error &error) {
    // No thread can start (RLIMIT_NPROC, a pids cgroup at its limit): log from this one. Only a
    // state dir hung in the kernel could then hold the run, which nothing here can end anyway.
    log_debug("transition log: no thread ({}): logging without one", error.what());
    for (const auto &note : record(*job)) log_debug("{}", note);
    return;
  }
  std::unique_lock<std::mutex> lock(job->mutex);
  if (!job->finished.wait_until(lock, job->give_up, [&job] { return job->done; })) {
    log_debug("transition log: abandoned at the deadline (a state dir or the target blocked)");
    return;
  }
  for (const auto &note : job->notes) log_debug("{}", note);
}

}  // namespace healthprobe
