#pragma once
// The transition log's memory: one small file per configuration, locked while a run reads, decides
// and rewrites it.
//
// Concurrency: Docker starts a probe every interval even while the last one is still timing out,
// and Kubernetes may run liveness and readiness probes at once. flock(2) on the state file
// serialises read-decide-log-write, so two runs cannot both see "healthy" and both log the same
// change (write-temp-then-rename alone keeps the file whole but would duplicate lines). The kernel
// drops the lock when a run dies, so there is no stale lock to clean up, and a rewrite in place
// needs no temporary files that a killed run could leave behind. The content ends with "end\n",
// so a rewrite cut short between write and truncate still parses.
//
// A new file is locked before it has a name (O_TMPFILE, then linked in), so another run never sees
// it empty: an empty file always means a run could not save its state (a full state dir), and
// never a first run in progress.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace healthprobe {

class StateFile {
 public:
  using Clock = std::chrono::steady_clock;

  // How the file came to be there.
  enum class Origin {
    Existing,  // a state file of ours was there
    Created,   // there was none: this run created it
    Replaced,  // something not ours was there (replaced_what() says what); this run replaced it
  };

  // Opens dir/name and locks it, waiting for another run's lock no later than lock_by. Creates it
  // (mode 0600) when missing. Something else at that name (a symlink, which is never followed, a
  // FIFO, a directory, another user's file) is removed and replaced, where the directory lets this
  // user remove it. On failure, why says what went wrong, and busy is set if another run held the
  // lock all that time.
  static std::optional<StateFile> open_locked(const std::string &dir, const std::string &name,
                                              Clock::time_point lock_by, std::string &why,
                                              bool &busy);

  StateFile(StateFile &&other) noexcept;
  StateFile &operator=(StateFile &&other) noexcept;
  StateFile(const StateFile &) = delete;
  StateFile &operator=(const StateFile &) = delete;
  ~StateFile();  // closing drops the lock

  // The content (at most the parser's limit plus one byte, so an oversized file stays invalid).
  std::string read() const;
  // Writes content in place. When that fails (a full state dir, a file size limit) the file is
  // emptied instead, so that no stale state outlives it: false, with errno from the failed write.
  bool replace(const std::string &content) const;
  // Removes the file this run created when it could not log: the next run is a first run again.
  void remove() const;
  const std::string &path() const { return path_; }
  Origin origin() const { return origin_; }
  // With Origin::Replaced: "a symlink", "a FIFO", "a file of uid 0".
  const std::string &replaced_what() const { return replaced_what_; }

 private:
  StateFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  int fd_ = -1;
  std::string path_;
  Origin origin_ = Origin::Existing;
  std::string replaced_what_;
};

// Where state may live, in order: the explicit --state-dir alone, else /dev/shm (a tmpfs in every
// Docker, ECS and Kubernetes container, even with a read-only root), then the --writable dirs.
std::vector<std::string> state_dir_candidates(const std::optional<std::string> &state_dir,
                                              const std::vector<std::string> &writable);

}  // namespace healthprobe
