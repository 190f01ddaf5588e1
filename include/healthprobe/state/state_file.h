#pragma once
// The transition log's memory: one small file, locked while a run reads, decides and rewrites it.
//
// Concurrency: Docker starts a probe every interval even while the last one is still timing out,
// and Kubernetes may run liveness and readiness probes at once. flock(2) on the state file
// serialises read-decide-log-write, so two runs cannot both see "healthy" and both log the same
// change (write-temp-then-rename alone keeps the file whole but would duplicate lines). The kernel
// drops the lock when a run dies, so there is no stale lock to clean up, and a rewrite in place
// needs no temporary files that a killed run could leave behind. The content ends with "end\n",
// so a rewrite cut short between write and truncate still parses.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace healthprobe {

inline constexpr const char *kStateFileName = "healthprobe.state";

class StateFile {
 public:
  using Clock = std::chrono::steady_clock;

  // Opens (creating, mode 0600) dir/healthprobe.state and locks it, waiting for another run's
  // lock no later than lock_by. Refuses symlinks and files that are not ours. On failure, why
  // says what went wrong, and busy is set if another run held the lock all that time.
  static std::optional<StateFile> open_locked(const std::string &dir, Clock::time_point lock_by,
                                              std::string &why, bool &busy);

  StateFile(StateFile &&other) noexcept;
  StateFile &operator=(StateFile &&other) noexcept;
  StateFile(const StateFile &) = delete;
  StateFile &operator=(const StateFile &) = delete;
  ~StateFile();  // closing drops the lock

  // The content (at most the parser's limit plus one byte, so an oversized file stays invalid).
  std::string read() const;
  bool replace(const std::string &content) const;
  const std::string &path() const { return path_; }

 private:
  StateFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  int fd_ = -1;
  std::string path_;
};

// Where state may live, in order: the explicit --state-dir alone, else /dev/shm (a tmpfs in every
// Docker, ECS and Kubernetes container, even with a read-only root), then the --writable dirs.
std::vector<std::string> state_dir_candidates(const std::optional<std::string> &state_dir,
                                              const std::vector<std::string> &writable);

}  // namespace healthprobe
