#include "healthprobe/core/bounded_write.h"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>

namespace healthprobe {

bool write_within(int fd, const char *data, size_t size,
                  std::chrono::steady_clock::time_point until) {
  while (size > 0) {
    const auto left =
        std::chrono::ceil<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
    pollfd ready{fd, POLLOUT, 0};
    const int polled =
        ::poll(&ready, 1, static_cast<int>(std::clamp<long long>(left.count(), 0, INT_MAX)));
    if (polled < 0 && errno == EINTR) continue;  // the time left is computed again
    if (polled <= 0) return false;               // still full at the limit, or not pollable
    const ssize_t written = ::write(fd, data, std::min<size_t>(size, PIPE_BUF));
    if (written < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (written <= 0) return false;  // nobody is reading (EPIPE), or it is not writable at all
    data += written;
    size -= static_cast<size_t>(written);
  }
  return true;
}

}  // namespace healthprobe
