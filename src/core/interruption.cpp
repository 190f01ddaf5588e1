#include "healthprobe/core/interruption.h"

#include <sys/socket.h>

#include <thread>

namespace healthprobe {

// Every access is sequentially consistent: interrupt() sets interrupted_ before it reads the
// socket, and watch() stores the socket before it reads interrupted_, so at least one of the two
// sees the other and the socket is shut down either way.
void Interruption::watch(int socket_fd) {
  socket_fd_.store(socket_fd);
  if (interrupted_.load()) ::shutdown(socket_fd, SHUT_RDWR);
}

void Interruption::interrupt() {
  interrupted_.store(true);
  in_progress_.store(true);
  const int socket_fd = socket_fd_.load();
  if (socket_fd >= 0) ::shutdown(socket_fd, SHUT_RDWR);
  in_progress_.store(false);
}

void Interruption::clear() {
  socket_fd_.store(-1);
  // A watchdog thread that read the socket before the store above is one system call from done.
  // (A signal handler on this thread has always finished by now: it ran to completion before
  // this thread got here.)
  while (in_progress_.load()) std::this_thread::yield();
}

}  // namespace healthprobe
