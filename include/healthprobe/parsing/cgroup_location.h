#pragma once
// Where the probe's own memory cgroup is, from the kernel's text: /proc/self/cgroup names the
// cgroup, /proc/self/mountinfo says where its hierarchy is mounted. No I/O: the check reads the
// files and hands their text here.
//
// The cases: cgroup v2 ("0::/path"), v1 (a line naming the memory controller), and a hybrid host
// (both, with memory bound to v1: the v1 line wins); inside a container's cgroup namespace
// (paths are "/") or not (paths are the host's, e.g. "/docker/ID", and the container may see
// only its own subtree, mounted with that path as the mount's root).
#include <optional>
#include <string>
#include <string_view>

namespace healthprobe {

enum class CgroupVersion { V1, V2 };

struct MemoryCgroup {
  CgroupVersion version = CgroupVersion::V2;
  std::string path;  // "/" or "/docker/ID": absolute, no "." or ".." component
};

struct CgroupDir {
  std::string dir;  // the cgroup's directory: where memory.events (v2) or memory.oom_control is
  std::string top;  // the mount point its hierarchy is mounted at: no parent above it is visible
};

// From /proc/self/cgroup. nullopt, with why, when no line carries the memory controller.
std::optional<MemoryCgroup> memory_cgroup_of(std::string_view proc_self_cgroup, std::string &why);

// The directory under the usual mount point (/sys/fs/cgroup for v2, /sys/fs/cgroup/memory for v1),
// right whenever that mount shows the hierarchy from its root (or from the namespace's root):
// the common case, tried first because reading mountinfo costs more than the whole check.
CgroupDir usual_cgroup_dir(const MemoryCgroup &cgroup);

// The directory from /proc/self/mountinfo: the mount of the cgroup's hierarchy whose root is the
// cgroup or one of its ancestors. nullopt, with why, when no such mount is visible.
std::optional<CgroupDir> cgroup_dir_from_mountinfo(std::string_view mountinfo,
                                                   const MemoryCgroup &cgroup, std::string &why);

}  // namespace healthprobe
