#include "healthprobe/runtime/thread_activity.h"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstring>

namespace healthprobe {

ThreadActivity activity_of(pid_t thread_id) {
  std::array<char, 64> path{};
  std::snprintf(path.data(), path.size(), "/proc/self/task/%d/stat", static_cast<int>(thread_id));
  const int fd = ::open(path.data(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ThreadActivity::Unknown;
  std::array<char, 512> stat{};
  const ssize_t got = ::read(fd, stat.data(), stat.size() - 1);
  ::close(fd);
  if (got <= 0) return ThreadActivity::Unknown;
  // "TID (COMM) STATE ...": COMM may hold spaces and parentheses, so look after the last ')'.
  const char *close_paren = std::strrchr(stat.data(), ')');
  if (close_paren == nullptr || close_paren[1] != ' ') return ThreadActivity::Unknown;
  switch (close_paren[2]) {
    case 'R':
      return ThreadActivity::Running;
    case 'S':
    case 'D':
    case 'T':
    case 't':
    case 'I':
      return ThreadActivity::Blocked;
    default:
      return ThreadActivity::Unknown;
  }
}

}  // namespace healthprobe
