#pragma once
// Reports processes the kernel's OOM killer ended in the probe's own memory cgroup, which in a
// container is the container's: a worker killed that way is replaced silently (gunicorn forks a
// new one), and the container stays healthy while requests fail. Degraded, never unhealthy: a
// restart does not give the container more memory.
//
// Reads only the kernel's own files (procfs and cgroupfs, which never wait on a disk or network).
// Where no memory cgroup is readable it reports nothing and says why under -v.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "healthprobe/checks/mount_table_file.h"
#include "healthprobe/core/check.h"

namespace healthprobe {

class OomCheck : public Check {
 public:
  OomCheck() = default;
  // Shares the run's mount table: read once whether the deadline keeper or this check asks first.
  explicit OomCheck(std::shared_ptr<MountTableFile> mounts) : mounts_(std::move(mounts)) {}
  std::string name() const override { return "memory:oom"; }
  std::vector<Observation> run(const Deadline &deadline, Interruption &interruption) override;
  bool may_block_uninterruptibly() const override { return false; }
  std::string silent_because() const override { return silent_because_; }

 private:
  std::shared_ptr<MountTableFile> mounts_ = std::make_shared<MountTableFile>();
  std::string silent_because_;
};

}  // namespace healthprobe
