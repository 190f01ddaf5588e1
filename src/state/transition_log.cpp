#include "healthprobe/state/transition_log.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "healthprobe/core/text.h"
#include "healthprobe/reporting/log.h"
#include "healthprobe/state/configuration_key.h"
#include "healthprobe/state/log_target.h"
#include "healthprobe/state/state_file.h"
#include "healthprobe/state/transition.h"

namespace healthprobe {
namespace {

using Clock = std::chrono::steady_clock;

// What one logging step works with.
struct Job {
  std::string target;
  Format format = Format::Text;
  std::vector<std::string> state_dirs;
  std::string state_name;  // the configuration's file in whichever state dir works
  const Report *report = nullptr;
  Clock::time_point lock_by;
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
    file = StateFile::open_locked(dir, job.state_name, job.lock_by, why, busy);
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

  const HealthState now = state_of(*job.report);
  if (worth_logging(previous, before, now)) {
    const std::string failure =
        append_line(job.target, transition_line(*job.report, previous, before, job.format));
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

void log_transition(const Options &options, const Report &report, Clock::time_point lock_by) {
  if (!options.log_to) return;
  Job job;
  job.target = *options.log_to;
  job.format = options.log_format;
  job.state_dirs = state_dir_candidates(options.state_dir, options.writable);
  job.state_name = state_file_name(options, ::geteuid());
  job.report = &report;
  job.lock_by = lock_by;
  for (const auto &note : record(job)) log_debug("{}", note);
}

}  // namespace healthprobe
