#pragma once
// /proc/self/mountinfo, read at most once per run. Two steps want it: the deadline keeper, to know
// whether a file system that can hang is mounted, and the OOM check in a container, whose memory
// cgroup is mounted where its /proc/self/cgroup path does not lead (Docker and ECS on cgroup v1).
// Generating the table costs the kernel tens of microseconds; a run pays that once.
#include <string>

namespace healthprobe {

class MountTableFile {
 public:
  // The table, read on the first call; nullptr, with why, when it cannot be read whole (the same
  // answer on every later call).
  const std::string *table(std::string &why);

 private:
  bool read_ = false;
  bool whole_ = false;
  std::string table_;
  std::string why_;
};

}  // namespace healthprobe
