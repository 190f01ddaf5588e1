#include "healthprobe/checks/oom_check.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "healthprobe/checks/posix_files.h"
#include "healthprobe/core/text.h"
#include "healthprobe/parsing/cgroup_location.h"
#include "healthprobe/parsing/cgroup_memory.h"

namespace healthprobe {
namespace {

// Generous for the kernel's few lines.
constexpr size_t kSmallKernelFile = size_t{64} * 1024;

const char *counter_file(CgroupVersion version) {
  return version == CgroupVersion::V2 ? "memory.events" : "memory.oom_control";
}

const char *limit_file(CgroupVersion version) {
  return version == CgroupVersion::V2 ? "memory.max" : "memory.limit_in_bytes";
}

const char *version_word(CgroupVersion version) {
  return version == CgroupVersion::V2 ? "cgroup v2" : "cgroup v1";
}

std::string parent_dir(const std::string &dir) {
  const auto slash = dir.rfind('/');
  return slash == 0 || slash == std::string::npos ? "/" : dir.substr(0, slash);
}

std::string mebibytes(std::uint64_t bytes) {
  constexpr std::uint64_t kMiB = std::uint64_t{1} << 20;
  if (bytes % kMiB == 0) return std::to_string(bytes / kMiB) + " MiB";
  char text[32];
  std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(bytes) / kMiB);
  return text;
}

// The limit that binds the cgroup: its own, else the nearest ancestor's within the mount (a task
// or pod may set the limit one level up). Read only when something was killed.
std::string limit_text(const CgroupDir &where, CgroupVersion version) {
  std::string dir = where.dir;
  bool any_read = false;
  while (true) {
    int error = 0;
    const auto text = read_small_file(dir + "/" + limit_file(version), kSmallKernelFile, error);
    if (text) {
      any_read = true;
      const auto limit = parse_memory_limit(*text);
      if (limit && !limit->unlimited) return "memory limit " + mebibytes(limit->bytes);
    }
    if (dir == where.top || dir.size() <= where.top.size()) break;
    dir = parent_dir(dir);
  }
  return any_read ? "no memory limit set on its cgroup" : "memory limit unknown";
}

}  // namespace

std::vector<Observation> OomCheck::run(const Deadline & /*deadline*/,
                                       Interruption & /*interruption*/) {
  int error = 0;
  const auto membership = read_small_file("/proc/self/cgroup", kSmallKernelFile, error);
  if (!membership) {
    silent_because_ = "memory:oom not checked: cannot read /proc/self/cgroup: " + errno_text(error);
    return {};
  }
  std::string why;
  const auto cgroup = memory_cgroup_of(*membership, why);
  if (!cgroup) {
    silent_because_ = "memory:oom not checked: " + why;
    return {};
  }
  const std::string file = counter_file(cgroup->version);
  CgroupDir where = usual_cgroup_dir(*cgroup);
  auto events = read_small_file(where.dir + "/" + file, kSmallKernelFile, error);
  if (!events && where.dir != where.top) {
    // Not at the usual place. Most often a container that sees only its own cgroup, mounted where
    // the hierarchy's root would be (Docker and ECS on cgroup v1): that directory's cgroup.procs
    // lists this process, which proves it is the probe's own cgroup, at a third of the cost of
    // the mount table.
    const int missing = error;
    const auto procs = read_small_file(where.top + "/cgroup.procs", kSmallKernelFile, error);
    if (procs && cgroup_procs_lists(*procs, static_cast<long>(::getpid()))) {
      events = read_small_file(where.top + "/" + file, kSmallKernelFile, error);
      if (events) where.dir = where.top;
    }
    if (!events) error = missing;
  }
  if (!events) {
    // Neither: a container that sees a subtree holding its cgroup, or a hierarchy mounted
    // elsewhere. mountinfo says where.
    std::string detail = "cannot read " + where.dir + "/" + file + ": " + errno_text(error);
    const std::string *mountinfo = mounts_->table(why);
    if (mountinfo == nullptr) {
      detail += "; nor " + why;
    } else if (const auto found = cgroup_dir_from_mountinfo(*mountinfo, *cgroup, why); !found) {
      detail += "; " + why;
    } else if (found->dir != where.dir) {
      events = read_small_file(found->dir + "/" + file, kSmallKernelFile, error);
      if (events) {
        where = *found;
      } else {
        detail += "; nor " + found->dir + "/" + file + ": " + errno_text(error);
      }
    }
    if (!events) {
      silent_because_ = "memory:oom not checked: " + printable(detail, 400);
      return {};
    }
  }
  const auto killed = oom_kill_count(*events);
  if (!killed) {
    silent_because_ = "memory:oom not checked: " + printable(where.dir + "/" + file, 200) +
                      " has no oom_kill count (a kernel before 4.13 keeps none for cgroup v1)";
    return {};
  }
  Observation observation{"memory", "oom"};
  observation.observed_value = static_cast<double>(*killed);
  observation.observed_unit = "OOM kills";
  if (*killed == 0) {
    observation.output = std::string("no process in this container was OOM-killed (") +
                         version_word(cgroup->version) + ")";
    return {observation};
  }
  observation.status = Status::Warn;
  observation.event_count = *killed;
  observation.output = std::to_string(*killed) +
                       (*killed == 1 ? " process in this container was OOM-killed ("
                                     : " processes in this container were OOM-killed (") +
                       limit_text(where, cgroup->version) + ")";
  return {observation};
}

}  // namespace healthprobe
