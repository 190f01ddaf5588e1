#include "healthprobe/state/state_file.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <thread>

#include "healthprobe/state/health_state.h"

namespace healthprobe {
namespace {

constexpr std::chrono::milliseconds kLockRetry{1};
// How often something not ours may reappear at the name before the run gives up replacing it.
constexpr int kReplaceAttempts = 3;

// Waits for the lock until lock_by. An empty why on success.
bool lock(int fd, StateFile::Clock::time_point lock_by, const std::string &path, std::string &why,
          bool &busy) {
  while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) {
      why = path + ": cannot lock: " + std::strerror(errno);
      return false;
    }
    if (StateFile::Clock::now() >= lock_by) {
      why = path + ": another run held the lock until the deadline";
      busy = true;
      return false;
    }
    std::this_thread::sleep_for(kLockRetry);
  }
  return true;
}

// A new state file at path, already locked by this run when its name appears: an O_TMPFILE,
// locked, then linked in (through /proc, which needs no privilege). Where O_TMPFILE or /proc is
// missing, O_CREAT|O_EXCL, locked a moment after it appears. -1 with errno (EEXIST: another run
// was first).
int create_locked(const std::string &dir, const std::string &path) {
  const int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd >= 0) {
    std::array<char, 64> self{};
    std::snprintf(self.data(), self.size(), "/proc/self/fd/%d", fd);
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0 &&
        ::linkat(AT_FDCWD, self.data(), AT_FDCWD, path.c_str(), AT_SYMLINK_FOLLOW) == 0)
      return fd;
    const int error = errno;
    ::close(fd);
    errno = error;
    if (error != ENOENT) return -1;  // ENOENT: no /proc here
  } else if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL) {
    return -1;  // EACCES, EROFS, ENOSPC...: the fallback would fail the same way
  }
  return ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK,
                0600);
}

// Whether fd's file still has a name: a run that created a file and could not log removes it again.
bool still_linked(int fd) {
  struct stat info {};
  return ::fstat(fd, &info) == 0 && info.st_nlink > 0;
}

// "a FIFO", "a file of uid 0": what was found where a state file of ours belongs.
std::string describe(const struct stat &info) {
  if (S_ISDIR(info.st_mode)) return "a directory";
  if (S_ISFIFO(info.st_mode)) return "a FIFO";
  if (S_ISSOCK(info.st_mode)) return "a socket";
  if (S_ISCHR(info.st_mode) || S_ISBLK(info.st_mode)) return "a device";
  if (!S_ISREG(info.st_mode)) return "something that is not a regular file";
  return "a file of uid " + std::to_string(info.st_uid);
}

}  // namespace

std::optional<StateFile> StateFile::open_locked(const std::string &dir, const std::string &name,
                                                Clock::time_point lock_by, std::string &why,
                                                bool &busy) {
  busy = false;
  const std::string path = dir + "/" + name;
  std::string replaced;
  for (int attempt = 0; attempt < kReplaceAttempts; ++attempt) {
    // O_NOFOLLOW: in a shared dir like /tmp, someone else's symlink must not redirect our writes.
    // O_NONBLOCK: a FIFO planted there must not block the open.
    const int fd = ::open(path.c_str(), O_RDWR | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    std::string found;
    if (fd >= 0) {
      StateFile file(fd, path);
      struct stat info {};
      if (::fstat(fd, &info) != 0) {
        why = path + ": " + std::strerror(errno);
        return std::nullopt;
      }
      if (S_ISREG(info.st_mode) && info.st_uid == ::geteuid()) {
        if (!lock(fd, lock_by, path, why, busy)) return std::nullopt;
        if (still_linked(fd)) return file;
        continue;  // its creator removed it while this run waited: look again
      }
      found = describe(info);
    } else if (errno == ENOENT) {
      const int created = create_locked(dir, path);
      if (created < 0 && errno == EEXIST) continue;  // another run created it a moment ago
      if (created < 0) {
        why = path + ": " + std::strerror(errno);
        return std::nullopt;
      }
      StateFile file(created, path);
      file.origin_ = replaced.empty() ? Origin::Created : Origin::Replaced;
      file.replaced_what_ = replaced;
      if (!lock(created, lock_by, path, why, busy)) return std::nullopt;
      return file;
    } else if (errno == ELOOP) {
      found = "a symlink";
    } else if (errno == EISDIR) {
      found = "a directory";
    } else if (errno == ENXIO) {
      found = "a socket";
    } else {
      why = path + ": " + std::strerror(errno);
      return std::nullopt;
    }
    // Not ours: removed, never followed or written, and a file of ours made in its place.
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
      const int error = errno;
      why = path + " is " + found + ", which this user cannot remove: " + std::strerror(error);
      if (error == EPERM || error == EACCES) why += " (in a sticky dir only its owner may)";
      return std::nullopt;
    }
    replaced = found;
  }
  why = path + ": something not ours keeps reappearing there";
  return std::nullopt;
}

StateFile::StateFile(StateFile &&other) noexcept
    : fd_(other.fd_),
      path_(std::move(other.path_)),
      origin_(other.origin_),
      replaced_what_(std::move(other.replaced_what_)) {
  other.fd_ = -1;
}

StateFile &StateFile::operator=(StateFile &&other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    path_ = std::move(other.path_);
    origin_ = other.origin_;
    replaced_what_ = std::move(other.replaced_what_);
    other.fd_ = -1;
  }
  return *this;
}

StateFile::~StateFile() {
  if (fd_ >= 0) ::close(fd_);
}

std::string StateFile::read() const {
  // Up to one byte past the limit, through a small buffer: a steady state is a few dozen bytes,
  // and a zero-filled string of the limit's size cost a page of memory set on every run.
  std::array<char, 512> chunk{};
  std::string content;
  while (content.size() <= kMaxStateBytes) {
    const size_t want = std::min(chunk.size(), kMaxStateBytes + 1 - content.size());
    const ssize_t n = ::pread(fd_, chunk.data(), want, static_cast<off_t>(content.size()));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    content.append(chunk.data(), static_cast<size_t>(n));
  }
  return content;
}

void StateFile::remove() const {
  struct stat mine {};
  struct stat named {};
  // Only while the name is still this file's (the lock keeps other runs of ours away from it).
  if (::fstat(fd_, &mine) == 0 && ::lstat(path_.c_str(), &named) == 0 &&
      mine.st_dev == named.st_dev && mine.st_ino == named.st_ino)
    ::unlink(path_.c_str());
}

bool StateFile::replace(const std::string &content) const {
  // One write at offset 0, then the truncate: the content is self-delimiting (see the header).
  const ssize_t n = ::pwrite(fd_, content.data(), content.size(), 0);
  if (n == static_cast<ssize_t>(content.size()) &&
      ::ftruncate(fd_, static_cast<off_t>(content.size())) == 0)
    return true;
  // Stale state would make the next run log a change that did not happen (and every run after
  // it): an empty file says "not saved" instead. Emptying a file needs no free space.
  const int error = n < 0 ? errno : ENOSPC;
  (void)::ftruncate(fd_, 0);
  errno = error;
  return false;
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
