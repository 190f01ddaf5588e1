#include "healthprobe/state/state_file.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "healthprobe/state/health_state.h"

namespace healthprobe {
namespace {

constexpr std::chrono::milliseconds kLockRetry{1};

}  // namespace

std::optional<StateFile> StateFile::open_locked(const std::string &dir, Clock::time_point lock_by,
                                                std::string &why, bool &busy) {
  busy = false;
  const std::string path = dir + "/" + kStateFileName;
  // O_NOFOLLOW: in a shared dir like /tmp, someone else's symlink must not redirect our writes.
  int fd = ::open(path.c_str(), O_RDWR | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0 && errno == ENOENT) {
    fd =
        ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0600);
    if (fd < 0 && errno == EEXIST)  // another run created it a moment ago
      fd = ::open(path.c_str(), O_RDWR | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
  }
  if (fd < 0) {
    why = path + ": " + std::strerror(errno);
    return std::nullopt;
  }
  StateFile file(fd, path);
  struct stat info {};
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode) || info.st_uid != ::geteuid()) {
    why = path + ": not a regular file of ours";
    return std::nullopt;
  }
  while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) {
      why = path + ": cannot lock: " + std::strerror(errno);
      return std::nullopt;
    }
    if (Clock::now() >= lock_by) {
      why = path + ": another run held the lock until the deadline";
      busy = true;
      return std::nullopt;
    }
    std::this_thread::sleep_for(kLockRetry);
  }
  return file;
}

StateFile::StateFile(StateFile &&other) noexcept : fd_(other.fd_), path_(std::move(other.path_)) {
  other.fd_ = -1;
}

StateFile &StateFile::operator=(StateFile &&other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    path_ = std::move(other.path_);
    other.fd_ = -1;
  }
  return *this;
}

StateFile::~StateFile() {
  if (fd_ >= 0) ::close(fd_);
}

std::string StateFile::read() const {
  std::string content(kMaxStateBytes + 1, '\0');
  size_t got = 0;
  while (got < content.size()) {
    const ssize_t n =
        ::pread(fd_, content.data() + got, content.size() - got, static_cast<off_t>(got));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  content.resize(got);
  return content;
}

bool StateFile::replace(const std::string &content) const {
  // One write at offset 0, then the truncate: the content is self-delimiting (see the header).
  const ssize_t n = ::pwrite(fd_, content.data(), content.size(), 0);
  if (n != static_cast<ssize_t>(content.size())) return false;
  return ::ftruncate(fd_, static_cast<off_t>(content.size())) == 0;
}

std::vector<std::string> state_dir_candidates(const std::optional<std::string> &state_dir,
                                              const std::vector<std::string> &writable) {
  if (state_dir) return {*state_dir};
  std::vector<std::string> dirs{"/dev/shm"};
  for (const auto &dir : writable) {
    if (dir != "/dev/shm") dirs.push_back(dir);
  }
  return dirs;
}

}  // namespace healthprobe
