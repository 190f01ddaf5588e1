#include "healthprobe/checks/heartbeat_check.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>
#include <string_view>

#include "healthprobe/checks/posix_files.h"
#include "healthprobe/core/text.h"
#include "healthprobe/parsing/heartbeat_content.h"
#include "healthprobe/parsing/process_start.h"

namespace healthprobe {
namespace {

// A file dated at most this far ahead of the probe's clock counts as just written: file systems
// stamp times from a coarser clock than clock_gettime's, never a second ahead of it.
constexpr long long kClockSlackMs = 1000;
// How many problem files a glob's report names before it counts the rest.
constexpr size_t kNamedProblems = 4;
// How many directory entries pass between two looks at the clock.
constexpr size_t kEntriesPerClockRead = 64;
constexpr size_t kNameShown = 60;

enum class Freshness { Fresh, Stale, Future, NotRegular, StatFailed };

// One file the path names, as the check saw it.
struct Beat {
  std::string name;
  Freshness freshness = Freshness::StatFailed;
  long long age_ms = 0;  // negative: dated in the future
  mode_t type = 0;
  int error = 0;       // with StatFailed: stat's errno
  int read_error = 0;  // the content could not be read
  HeartbeatContent content;

  // Whether what it says counts: a stale file's words are as old as the file.
  bool speaks() const { return freshness == Freshness::Fresh || freshness == Freshness::Future; }
  bool broken() const {
    return freshness == Freshness::NotRegular || freshness == Freshness::StatFailed;
  }
};

Status worst(Status a, Status b) {
  return static_cast<int>(a) > static_cast<int>(b) ? a : b;
}

long long realtime_ms_since(const timespec &then) {
  timespec now{};
  ::clock_gettime(CLOCK_REALTIME, &now);
  return static_cast<long long>(now.tv_sec - then.tv_sec) * 1000 +
         (static_cast<long long>(now.tv_nsec) - then.tv_nsec) / 1000000;
}

// "95 s", "2.5 s", "0 s": whole seconds, with tenths below ten seconds.
std::string span_text(long long ms) {
  if (ms >= 10000 || ms % 1000 < 100) return std::to_string(ms / 1000) + " s";
  return std::to_string(ms / 1000) + "." + std::to_string(ms % 1000 / 100) + " s";
}

// "12 s", "25 min", "3 h", "4 d".
std::string ago_text(long long ms) {
  const long long seconds = ms / 1000;
  constexpr long long kMinute = 60;
  constexpr long long kHour = 3600;
  if (seconds < 2 * kMinute) return std::to_string(seconds) + " s";
  if (seconds < 2 * kHour) return std::to_string(seconds / kMinute) + " min";
  if (seconds < 48 * kHour) return std::to_string(seconds / kHour) + " h";
  return std::to_string(seconds / 86400) + " d";
}

const char *type_word(mode_t type) {
  if (S_ISDIR(type)) return "a directory";
  if (S_ISFIFO(type)) return "a FIFO";
  if (S_ISSOCK(type)) return "a socket";
  if (S_ISCHR(type)) return "a character device";
  if (S_ISBLK(type)) return "a block device";
  return "not a regular file";
}

// "; the container (PID 1) started 12 s ago", or nothing where /proc does not say.
std::string container_started() {
  int error = 0;
  const auto stat_text = read_small_file("/proc/1/stat", 4096, error);
  const auto uptime_text = read_small_file("/proc/uptime", 4096, error);
  if (!stat_text || !uptime_text) return "";
  const auto ticks = start_ticks_of(*stat_text);
  const auto uptime = uptime_of(*uptime_text);
  if (!ticks || !uptime) return "";
  const auto ago = started_ago(*ticks, ::sysconf(_SC_CLK_TCK), *uptime);
  if (!ago) return "";
  return "; the container (PID 1) started " + ago_text(ago->count()) + " ago";
}

// The first bytes of a heartbeat file. O_NOATIME where the kernel allows it (the file's owner,
// or root): then reading changes not even the access time.
std::optional<std::string> read_content(int dir_fd, const std::string &name,
                                        const struct stat &info, int &error) {
  const int flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY;
  const uid_t me = ::geteuid();
  int fd = -1;
  if (me == 0 || me == info.st_uid) fd = ::openat(dir_fd, name.c_str(), flags | O_NOATIME);
  if (fd < 0) fd = ::openat(dir_fd, name.c_str(), flags);
  if (fd < 0) {
    error = errno;
    return std::nullopt;
  }
  return read_and_close(fd, kHeartbeatContentLimit, error);
}

Beat observe(int dir_fd, const std::string &name, std::chrono::milliseconds max_age) {
  Beat beat;
  beat.name = name;
  struct stat info {};
  if (::fstatat(dir_fd, name.c_str(), &info, 0) != 0) {
    beat.error = errno;
    return beat;
  }
  beat.type = info.st_mode;
  if (!S_ISREG(info.st_mode)) {
    beat.freshness = Freshness::NotRegular;
    return beat;
  }
  beat.age_ms = realtime_ms_since(info.st_mtim);
  if (beat.age_ms < -kClockSlackMs) {
    beat.freshness = Freshness::Future;
  } else {
    if (beat.age_ms < 0) beat.age_ms = 0;
    beat.freshness = beat.age_ms > max_age.count() ? Freshness::Stale : Freshness::Fresh;
  }
  // An empty file (a heartbeat kept by utime alone) says nothing: no need to open it.
  if (info.st_size > 0) {
    if (auto text = read_content(dir_fd, name, info, beat.read_error))
      beat.content = read_heartbeat_content(*text);
  }
  return beat;
}

// `says "starting": waiting for config`
std::string what_it_says(const HeartbeatContent &content) {
  std::string out = "says \"" + content.status + "\"";
  if (!content.detail.empty()) out += ": " + content.detail;
  return out;
}

Status content_status(const Beat &beat) {
  if (!beat.speaks()) return Status::Pass;
  Status status = beat.content.verdict.value_or(Status::Pass);
  if (beat.read_error != 0) status = worst(status, Status::Warn);
  return status;
}

Observation single_file(const HeartbeatSettings &settings, const Beat &beat,
                        const std::string &max_text) {
  Observation observation{"heartbeat", settings.path.text};
  const std::string &path = settings.path.text;
  switch (beat.freshness) {
    case Freshness::StatFailed:
      observation.status = Status::Fail;
      observation.output =
          beat.error == ENOENT
              ? "no heartbeat yet: " + path + " does not exist" + container_started()
              : "cannot stat " + path + ": " + errno_text(beat.error);
      return observation;
    case Freshness::NotRegular:
      observation.status = Status::Fail;
      observation.output = path + " is " + type_word(beat.type) + ", not a regular file";
      return observation;
    case Freshness::Future:
      observation.status = Status::Warn;
      observation.output = "heartbeat dated " + span_text(-beat.age_ms) +
                           " in the future (max age " + max_text +
                           "): the clock was set back, or the writer dated it so; its age "
                           "cannot be judged";
      break;
    case Freshness::Stale:
      observation.status = Status::Fail;
      observation.output = "heartbeat " + span_text(beat.age_ms) + " old (max " + max_text + ")";
      break;
    case Freshness::Fresh:
      observation.output = "heartbeat " + span_text(beat.age_ms) + " old (max " + max_text + ")";
      break;
  }
  if (beat.freshness != Freshness::Future) {
    observation.observed_value = static_cast<double>(beat.age_ms) / 1000.0;
    observation.observed_unit = "s old";
  }
  if (beat.read_error != 0) {
    observation.output += "; its content cannot be read: " + errno_text(beat.read_error);
  } else if (beat.content.verdict) {
    observation.output +=
        (beat.freshness == Freshness::Stale ? "; last " : "; ") + what_it_says(beat.content);
  }
  observation.status = worst(observation.status, content_status(beat));
  return observation;
}

// "consumer-2.hb 95 s old" and the like: what is wrong with one file of a glob, or nothing.
std::string problem_of(const Beat &beat) {
  const std::string name = printable(beat.name, kNameShown);
  switch (beat.freshness) {
    case Freshness::StatFailed:
      return name + ": cannot stat: " + errno_text(beat.error);
    case Freshness::NotRegular:
      return name + " is " + type_word(beat.type);
    case Freshness::Future:
      return name + " dated " + span_text(-beat.age_ms) + " in the future";
    case Freshness::Stale:
      return name + " " + span_text(beat.age_ms) + " old";
    case Freshness::Fresh:
      break;
  }
  if (beat.read_error != 0) return name + " unreadable: " + errno_text(beat.read_error);
  if (beat.content.verdict && *beat.content.verdict != Status::Pass)
    return name + " " + what_it_says(beat.content);
  return "";
}

struct Listing {
  std::vector<Beat> beats;
  size_t matched = 0;
  size_t entries = 0;
  bool too_many_entries = false;
  bool stopped_at_deadline = false;
};

Listing list_matches(DIR *dir, const HeartbeatSettings &settings, const Deadline &deadline) {
  Listing listing;
  const int dir_fd = ::dirfd(dir);
  while (const dirent *entry = ::readdir(dir)) {
    if (++listing.entries > HeartbeatCheck::kMaxEntries) {
      listing.too_many_entries = true;
      break;
    }
    if (listing.entries % kEntriesPerClockRead == 0 && deadline.expired()) {
      listing.stopped_at_deadline = true;
      break;
    }
    const std::string_view name = entry->d_name;
    // "." and ".." are never a worker's file, not even for a pattern like ".*" (nor for a shell).
    if (name == "." || name == ".." || !file_name_matches(settings.path.name, name)) continue;
    if (listing.beats.size() == HeartbeatCheck::kMaxMatches) {
      ++listing.matched;  // counted, not judged
      continue;
    }
    Beat beat = observe(dir_fd, entry->d_name, settings.max_age);
    if (beat.freshness == Freshness::StatFailed && beat.error == ENOENT) continue;  // gone since
    ++listing.matched;
    listing.beats.push_back(std::move(beat));
    if (deadline.expired()) {
      listing.stopped_at_deadline = true;
      break;
    }
  }
  return listing;
}

Observation glob(const HeartbeatSettings &settings, const Deadline &deadline,
                 const std::string &max_text) {
  Observation observation{"heartbeat", settings.path.text};
  const std::string &dir_path = settings.path.directory;
  DIR *dir = ::opendir(dir_path.c_str());
  if (dir == nullptr) {
    const int error = errno;
    observation.status = Status::Fail;
    observation.output =
        error == ENOENT ? "no heartbeat yet: " + dir_path + " does not exist" + container_started()
                        : "cannot list " + dir_path + ": " + errno_text(error);
    return observation;
  }
  const Listing listing = list_matches(dir, settings, deadline);
  ::closedir(dir);

  const auto need = static_cast<size_t>(settings.min_fresh);
  size_t fresh = 0;
  size_t future = 0;
  Status status = Status::Pass;
  std::vector<std::string> problems;
  for (const auto &beat : listing.beats) {
    if (beat.freshness == Freshness::Fresh) ++fresh;
    if (beat.freshness == Freshness::Future) ++future;
    if (beat.broken() || beat.freshness == Freshness::Future) status = Status::Warn;
    status = worst(status, content_status(beat));
    std::string problem = problem_of(beat);
    if (!problem.empty()) problems.push_back(std::move(problem));
  }
  if (fresh < need) status = worst(status, fresh + future >= need ? Status::Warn : Status::Fail);
  observation.status = status;
  observation.observed_value = static_cast<double>(fresh);
  observation.observed_unit = "fresh";

  const std::string name = printable(settings.path.name, kNameShown);
  if (listing.matched == 0) {
    observation.output = "no heartbeat yet: nothing in " + dir_path + " matches " + name +
                         " (need " + std::to_string(need) + ")";
  } else {
    observation.output = std::to_string(listing.matched) + " match, " + std::to_string(fresh) +
                         " fresh (need " + std::to_string(need) + "; max age " + max_text + ")";
  }
  if (!problems.empty()) {
    const size_t hidden = problems.size() > kNamedProblems ? problems.size() - kNamedProblems : 0;
    problems.resize(problems.size() - hidden);
    observation.output += ": " + join(problems, ", ");
    if (hidden > 0) observation.output += " and " + std::to_string(hidden) + " more";
  }
  if (listing.matched > listing.beats.size()) {
    observation.output +=
        "; only the first " + std::to_string(HeartbeatCheck::kMaxMatches) + " matches were judged";
    observation.status = worst(observation.status, Status::Warn);
  }
  if (listing.too_many_entries || listing.stopped_at_deadline) {
    observation.output += listing.too_many_entries
                              ? "; stopped after reading " +
                                    std::to_string(HeartbeatCheck::kMaxEntries) + " entries of " +
                                    dir_path
                              : "; the deadline passed while reading " + dir_path + " (" +
                                    std::to_string(listing.entries) + " entries read)";
    observation.status = worst(observation.status, Status::Warn);
  }
  // Fewer workers than needed have written one yet: a slow start reads differently then.
  if (fresh < need && listing.matched < need) observation.output += container_started();
  return observation;
}

}  // namespace

std::vector<Observation> HeartbeatCheck::run(const Deadline &deadline,
                                             Interruption & /*interruption*/) {
  const std::string max_text = span_text(settings_.max_age.count());
  if (settings_.path.is_glob) return {glob(settings_, deadline, max_text)};
  return {
      single_file(settings_, observe(AT_FDCWD, settings_.path.text, settings_.max_age), max_text)};
}

}  // namespace healthprobe
