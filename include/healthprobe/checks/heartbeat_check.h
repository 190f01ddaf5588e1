#pragma once
// Worker liveness: a queue consumer touches a heartbeat file each turn of its loop, and the check
// fails when it has not for longer than the maximum age. A wedged loop (a hung SDK call, a
// deadlocked task) keeps the process alive and its HTTP-less container "healthy" forever;
// the file's age is what shows it. The path's file name may be a glob, one file per worker
// process, of which at least min_fresh must be fresh. A file may also say something (a JSON
// status, parsing/heartbeat_content.h). The probe only reads: it creates and changes no file.
#include <chrono>
#include <string>
#include <vector>

#include "healthprobe/core/check.h"
#include "healthprobe/parsing/file_pattern.h"

namespace healthprobe {

struct HeartbeatSettings {
  FilePattern path;
  std::chrono::milliseconds max_age{60000};
  int min_fresh = 1;  // for a glob; a plain path is one file, which must be fresh
};

class HeartbeatCheck : public Check {
 public:
  // A glob reads at most this many directory entries, and judges at most this many matches.
  static constexpr size_t kMaxEntries = 10000;
  static constexpr size_t kMaxMatches = 256;

  explicit HeartbeatCheck(HeartbeatSettings settings) : settings_(std::move(settings)) {}

  std::string name() const override { return "heartbeat:" + settings_.path.text; }
  std::vector<Observation> run(const Deadline &deadline, Interruption &interruption) override;

 private:
  HeartbeatSettings settings_;
};

}  // namespace healthprobe
