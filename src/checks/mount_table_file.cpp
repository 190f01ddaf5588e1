#include "healthprobe/checks/mount_table_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>

#include "healthprobe/checks/posix_files.h"

namespace healthprobe {
namespace {

// A container's table is a few KiB; a host's with thousands of mounts may be larger than the run
// should read, and is then taken as unreadable (by the keeper: as hang-prone).
constexpr size_t kMountTableLimit = size_t{1024} * 1024;

// /proc/self/mountinfo into table; false, with why, when it cannot be read whole.
bool read_mount_table(std::string &table, std::string &why) {
  const int fd = ::open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    why = "the mount table /proc/self/mountinfo is unreadable: " + errno_text(errno);
    return false;
  }
  // Appended chunk by chunk: a buffer sized up front would be zero-filled first, on the hot path.
  std::array<char, 4096> chunk;
  for (;;) {
    const ssize_t got = ::read(fd, chunk.data(), chunk.size());
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0 || table.size() + static_cast<size_t>(got) > kMountTableLimit) {
      const int error = errno;
      ::close(fd);
      if (got == 0) return true;
      why = got < 0 ? "the mount table /proc/self/mountinfo is unreadable: " + errno_text(error)
                    : "the mount table /proc/self/mountinfo is over " +
                          std::to_string(kMountTableLimit / 1024) + " KiB";
      return false;
    }
    table.append(chunk.data(), static_cast<size_t>(got));
  }
}

}  // namespace

const std::string *MountTableFile::table(std::string &why) {
  if (!read_) {
    read_ = true;
    whole_ = read_mount_table(table_, why_);
    if (!whole_) table_.clear();
  }
  if (!whole_) {
    why = why_;
    return nullptr;
  }
  return &table_;
}

}  // namespace healthprobe
