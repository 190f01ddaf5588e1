// The parsers of the kernel's text the OOM and heartbeat checks read: /proc/self/cgroup,
// /proc/self/mountinfo, memory.events / memory.oom_control, memory.max, /proc/1/stat and
// /proc/uptime, the mount tables' hang-prone mounts (mountinfo's and mountstats'), and
// cgroup.procs. Never throw; a cgroup directory found is
// absolute, plain (no '.', '..' or empty component, so it cannot point outside the hierarchy's
// mount) and below its mount point. Input: NUL-separated fields: cgroup, mountinfo, events, limit,
// stat, uptime, mountstats.
#include "fuzz_support.h"
#include "healthprobe/core/text.h"
#include "healthprobe/parsing/cgroup_location.h"
#include "healthprobe/parsing/cgroup_memory.h"
#include "healthprobe/parsing/mount_table.h"
#include "healthprobe/parsing/process_start.h"

namespace {

bool is_plain_absolute(const std::string &path) {
  if (path.empty() || path.front() != '/') return false;
  if (path == "/") return true;
  size_t start = 1;
  while (start <= path.size()) {
    const size_t end = path.find('/', start);
    const std::string part =
        path.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (part.empty() || part == "." || part == "..") return false;
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return true;
}

bool is_below(const std::string &dir, const std::string &top) {
  if (dir == top) return true;
  if (top == "/") return true;
  return dir.compare(0, top.size(), top) == 0 && dir.size() > top.size() && dir[top.size()] == '/';
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  using namespace healthprobe;
  auto fields = fuzz::split_fields(fuzz::as_text(data, size));
  fields.resize(7);

  std::string why;
  const auto cgroup = memory_cgroup_of(fields[0], why);
  if (!cgroup) {
    FUZZ_CHECK(!why.empty(), "no cgroup and no reason");
  } else {
    FUZZ_CHECK(is_plain_absolute(cgroup->path), "a cgroup path that is not plain and absolute");
    const CgroupDir usual = usual_cgroup_dir(*cgroup);
    FUZZ_CHECK(is_plain_absolute(usual.dir) && is_below(usual.dir, usual.top),
               "the usual directory escapes its mount");
    std::string mount_why;
    const auto found = cgroup_dir_from_mountinfo(fields[1], *cgroup, mount_why);
    if (!found) {
      FUZZ_CHECK(!mount_why.empty(), "no directory and no reason");
    } else {
      FUZZ_CHECK(is_plain_absolute(found->top), "a mount point that is not plain and absolute");
      FUZZ_CHECK(is_plain_absolute(found->dir) && is_below(found->dir, found->top),
                 "the directory escapes its mount");
    }
  }

  // The same mount table, read for the deadline: what it names is terminal-safe and short, and a
  // table it calls all local has only lines it could read, of local types.
  if (const auto mount = first_hang_prone_mount(fields[1])) {
    FUZZ_CHECK(!fuzz::has_raw_control_bytes(*mount), "a mount named with raw control bytes");
    FUZZ_CHECK(mount->size() <= 200, "a mount named at length");
  } else {
    for (auto line : split(fields[1], '\n')) {
      if (line.empty()) continue;
      const auto parsed = parse_mount_line(line);
      FUZZ_CHECK(parsed && is_local_filesystem_type(parsed->type),
                 "an unreadable or non-local mount taken as local");
    }
  }

  // mountstats, read for the deadline where it exists: the same promises. A table it calls all
  // local holds only statistics lines and mount lines of local types.
  if (const auto mount = first_hang_prone_mount_in_stats(fields[6])) {
    FUZZ_CHECK(!fuzz::has_raw_control_bytes(*mount), "a mount named with raw control bytes");
    FUZZ_CHECK(mount->size() <= 200, "a mount named at length");
  } else {
    for (auto line : split(fields[6], '\n')) {
      if (line.empty() || line.front() == '\t' || line.front() == ' ') continue;
      const auto words = split(line, ' ');
      FUZZ_CHECK(words.size() >= 8 && is_local_filesystem_type(words[7]),
                 "a mount line without a local type as its eighth word taken as local");
    }
  }
  // Listed means one line is exactly that number.
  if (cgroup_procs_lists(fields[2], 42)) {
    bool exact = false;
    for (auto line : split(fields[2], '\n')) exact = exact || line == "42";
    FUZZ_CHECK(exact, "a pid taken as listed without its line");
  }

  if (const auto count = oom_kill_count(fields[2]))
    FUZZ_CHECK(fields[2].find("oom_kill ") != std::string::npos, "a count without its line");
  if (const auto limit = parse_memory_limit(fields[3])) {
    FUZZ_CHECK(limit->unlimited || limit->bytes < (std::uint64_t{1} << 60),
               "a limit of an exbibyte or more taken as a limit");
  }

  const auto ticks = start_ticks_of(fields[4]);
  const auto uptime = uptime_of(fields[5]);
  if (uptime) FUZZ_CHECK(uptime->count() >= 0, "a negative uptime");
  if (ticks && uptime) {
    for (const long ticks_per_second : {1L, 100L, 250L, 1000L}) {
      if (const auto ago = started_ago(*ticks, ticks_per_second, *uptime)) {
        FUZZ_CHECK(ago->count() >= 0 && ago->count() <= uptime->count(),
                   "started before boot or after now");
      }
    }
  }
  return 0;
}
