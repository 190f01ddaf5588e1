// Interruption: the deadline ends a blocked network wait by shutting the registered socket down.
// Real sockets (socketpairs), real blocked reads.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>
#include <vector>

#include "healthprobe/core/interruption.h"
#include "socket_pair.h"

using healthprobe::Interruption;
using Clock = std::chrono::steady_clock;

namespace {

// recv on a socket with nothing to read: 0 once it is shut down, -1 (EAGAIN) while it is not.
ssize_t peek_now(int fd) {
  char byte = 0;
  return ::recv(fd, &byte, 1, MSG_DONTWAIT | MSG_PEEK);
}
}  // namespace

TEST_CASE("an interruption shuts the watched socket down, and nothing once the scope ends",
          "[interruption]") {
  Interruption interruption;
  SocketPair registered;
  SocketPair later;
  {
    const auto scope = interruption.scope();
    interruption.watch(registered.ends[0]);
    CHECK_FALSE(interruption.interrupted());
    CHECK(peek_now(registered.ends[0]) == -1);
    interruption.interrupt();
    CHECK(interruption.interrupted());
    CHECK(peek_now(registered.ends[0]) == 0);
  }
  interruption.interrupt();  // nothing registered: nothing shut down, no crash
  CHECK(peek_now(later.ends[0]) == -1);
  CHECK(::send(later.ends[1], "x", 1, 0) == 1);
  CHECK(peek_now(later.ends[0]) == 1);
}

TEST_CASE("an interruption from another thread ends a read blocked on the watched socket",
          "[interruption]") {
  Interruption interruption;
  SocketPair pair;
  const auto scope = interruption.scope();
  interruption.watch(pair.ends[0]);
  const auto start = Clock::now();
  std::thread deadline([&interruption] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    interruption.interrupt();
  });
  char byte = 0;
  const ssize_t got = ::recv(pair.ends[0], &byte, 1, 0);  // nothing is ever sent
  deadline.join();
  CHECK(got == 0);
  CHECK(Clock::now() - start >= std::chrono::milliseconds(50));
  CHECK(Clock::now() - start < std::chrono::seconds(5));
}

TEST_CASE("a socket watched after the deadline is shut down at once", "[interruption]") {
  Interruption interruption;
  interruption.interrupt();
  SocketPair pair;
  const auto scope = interruption.scope();
  interruption.watch(pair.ends[0]);
  CHECK(interruption.interrupted());
  CHECK(peek_now(pair.ends[0]) == 0);
}

TEST_CASE("an interruption ends a TCP connect that no server answers", "[interruption]") {
  // A listener whose backlog is full: the kernel drops further SYNs, so a connect stays pending.
  const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(listener, reinterpret_cast<sockaddr *>(&address), sizeof address) == 0);
  REQUIRE(::listen(listener, 0) == 0);
  socklen_t length = sizeof address;
  REQUIRE(::getsockname(listener, reinterpret_cast<sockaddr *>(&address), &length) == 0);
  std::vector<int> sockets;
  int pending = -1;
  for (int attempt = 0; attempt < 8 && pending < 0; ++attempt) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    sockets.push_back(fd);
    ::connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof address);
    pollfd ready{fd, POLLOUT, 0};
    if (::poll(&ready, 1, 200) == 0) pending = fd;  // not connected within 200 ms: dropped SYN
  }
  REQUIRE(pending >= 0);
  Interruption interruption;
  const auto scope = interruption.scope();
  interruption.watch(pending);
  const auto start = Clock::now();
  std::thread deadline([&interruption] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    interruption.interrupt();
  });
  pollfd ready{pending, POLLOUT, 0};
  const int woke = ::poll(&ready, 1, 5000);
  deadline.join();
  CHECK(woke == 1);
  CHECK(Clock::now() - start < std::chrono::seconds(4));
  int error = 0;
  socklen_t error_size = sizeof error;
  ::getsockopt(pending, SOL_SOCKET, SO_ERROR, &error, &error_size);
  CHECK(error != 0);  // the connect failed; it did not complete
  for (const int fd : sockets) ::close(fd);
  ::close(listener);
}
