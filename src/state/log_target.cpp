#include "healthprobe/state/log_target.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "healthprobe/checks/posix_files.h"
#include "healthprobe/core/text.h"

namespace healthprobe {
namespace {

std::string open_failure_hint(int error) {
  switch (error) {
    case EACCES:
    case EPERM:
      return " (PID 1 runs as another user? see the README's --log-to section)";
    case ENXIO:
      return " (a pipe with no reader, or a socket)";
    default:
      return "";
  }
}

// A symlink that another user could have planted where the probe writes: in a sticky,
// world-writable dir, owned by neither this user nor the dir's owner. "" when it may be followed.
std::string planted_link(const std::string &target) {
  struct stat link {};
  if (::lstat(target.c_str(), &link) != 0 || !S_ISLNK(link.st_mode)) return "";
  struct stat dir {};
  if (::stat(parent_of(target).c_str(), &dir) != 0) return "";
  const bool shared = (dir.st_mode & S_ISVTX) != 0 && (dir.st_mode & S_IWOTH) != 0;
  if (!shared || link.st_uid == ::geteuid() || link.st_uid == dir.st_uid) return "";
  return "is a symlink of uid " + std::to_string(link.st_uid) +
         " in a shared sticky dir: not followed (anyone may plant one there)";
}

// Why a file opened as the target is not one to append a line to; "" when it is.
std::string wrong_kind(int fd) {
  struct stat info {};
  if (::fstat(fd, &info) != 0) return std::string("cannot be examined: ") + std::strerror(errno);
  if (S_ISFIFO(info.st_mode) || S_ISCHR(info.st_mode)) return "";
  if (S_ISREG(info.st_mode)) {
    const char *interface = kernel_interface_of(fd);
    if (interface == nullptr) return "";
    return std::string("is a file of ") + interface + ", a kernel interface: not a log";
  }
  if (S_ISBLK(info.st_mode)) return "is a block device: not a log";
  return "is not a FIFO, a character device or a regular file: not a log";
}

}  // namespace

int open_log_target(const std::string &target, std::string &why) {
  const std::string name = printable(target, 80);
  if (std::string planted = planted_link(target); !planted.empty()) {
    why = name + " " + planted;
    return -1;
  }
  // Opening has no effect on any of the kinds refused below (no write happens before the check).
  const int fd = ::open(target.c_str(), O_WRONLY | O_APPEND | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) {
    const int error = errno;
    why = "cannot open " + name + ": " + std::strerror(error) + open_failure_hint(error);
    return -1;
  }
  if (std::string wrong = wrong_kind(fd); !wrong.empty()) {
    ::close(fd);
    why = name + " " + wrong;
    return -1;
  }
  return fd;
}

}  // namespace healthprobe
