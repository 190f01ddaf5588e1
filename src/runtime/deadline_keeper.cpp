#include "healthprobe/runtime/deadline_keeper.h"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "healthprobe/parsing/mount_table.h"

namespace healthprobe {
namespace {

// A container's table is a few KiB; a host's with thousands of mounts may be larger than the run
// should read, and is then taken as hang-prone.
constexpr size_t kMountTableLimit = size_t{256} * 1024;

// /proc/self/mountinfo into table; false, with why, when it cannot be read whole.
bool read_mount_table(std::string &table, std::string &why) {
  const int fd = ::open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    why = std::string("the mount table is unreadable (") + std::strerror(errno) + ")";
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
      why = got < 0 ? std::string("the mount table is unreadable (") + std::strerror(error) + ")"
                    : "the mount table is over " + std::to_string(kMountTableLimit / 1024) + " KiB";
      return false;
    }
    table.append(chunk.data(), static_cast<size_t>(got));
  }
}

}  // namespace

DeadlineKeeper choose_deadline_keeper(bool touches_files) {
  if (!touches_files) return {false, "no step touches a file system"};
  std::string table;
  std::string why;
  if (!read_mount_table(table, why)) return {true, why};
  if (auto mount = first_hang_prone_mount(table)) return {true, *mount + " may hang"};
  return {false, "every mount is local"};
}

}  // namespace healthprobe
