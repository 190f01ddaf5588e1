#include "healthprobe/checks/mount_table_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>

#include "healthprobe/checks/posix_files.h"

namespace healthprobe {
namespace {

constexpr size_t kMountTableLimit = size_t{1024} * 1024;

}  // namespace

std::optional<std::string> read_mount_table(const char *path, std::string &why) {
  const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    why = std::string("the mount table ") + path + " is unreadable: " + errno_text(errno);
    return std::nullopt;
  }
  // Appended chunk by chunk: a buffer sized up front would be zero-filled first, on the hot path.
  std::string table;
  std::array<char, 4096> chunk;
  for (;;) {
    const ssize_t got = ::read(fd, chunk.data(), chunk.size());
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0 || table.size() + static_cast<size_t>(got) > kMountTableLimit) {
      const int error = errno;
      ::close(fd);
      if (got == 0) return table;
      why = std::string("the mount table ") + path +
            (got < 0 ? " is unreadable: " + errno_text(error)
                     : " is over " + std::to_string(kMountTableLimit / 1024) + " KiB");
      return std::nullopt;
    }
    table.append(chunk.data(), static_cast<size_t>(got));
  }
}

const std::string *MountTableFile::table(std::string &why) {
  if (!read_) {
    read_ = true;
    table_ = read_mount_table("/proc/self/mountinfo", why_);
  }
  if (!table_) {
    why = why_;
    return nullptr;
  }
  return &*table_;
}

}  // namespace healthprobe
