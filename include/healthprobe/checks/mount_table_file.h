#pragma once
// The kernel's mount tables. /proc/self/mountinfo is read at most once per run: the OOM check needs
// it in a container whose memory cgroup is mounted where its /proc/self/cgroup path does not lead,
// and the deadline keeper falls back to it where /proc/self/mountstats cannot be read. The kernel
// builds either table anew, mount by mount, for every read: tens of microseconds each.
#include <optional>
#include <string>

namespace healthprobe {

// A /proc table read whole, of at most 1 MiB (a host with thousands of mounts may have more than a
// run should read); nullopt, with why, when it cannot be read whole.
std::optional<std::string> read_mount_table(const char *path, std::string &why);

class MountTableFile {
 public:
  // /proc/self/mountinfo, read on the first call; nullptr, with why, when it cannot be read whole
  // (the same answer on every later call).
  const std::string *table(std::string &why);

 private:
  bool read_ = false;
  std::optional<std::string> table_;
  std::string why_;
};

}  // namespace healthprobe
