// Interruption: the deadline ends a blocked network wait by shutting the registered socket down.
// Real sockets (socketpairs), real blocked reads.
#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "healthprobe/runtime/interruption.h"

using healthprobe::Interruption;
using Clock = std::chrono::steady_clock;

namespace {
struct SocketPair {
  int ends[2] = {-1, -1};
  SocketPair() { REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) == 0); }
  ~SocketPair() {
    ::close(ends[0]);
    ::close(ends[1]);
  }
  SocketPair(const SocketPair &) = delete;
  SocketPair &operator=(const SocketPair &) = delete;
};

// recv on a socket with nothing to read: 0 once it is shut down, -1 (EAGAIN) while it is not.
ssize_t peek_now(int fd) {
  char byte = 0;
  return ::recv(fd, &byte, 1, MSG_DONTWAIT | MSG_PEEK);
}
}  // namespace

TEST_CASE("an interruption shuts the registered socket down, and nothing once the scope ends",
          "[interruption]") {
  Interruption interruption;
  SocketPair registered;
  SocketPair later;
  {
    const auto scope = interruption.on_interrupt_shut_down(registered.ends[0]);
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

TEST_CASE("an interruption from another thread ends a read blocked on the registered socket",
          "[interruption]") {
  Interruption interruption;
  SocketPair pair;
  const auto scope = interruption.on_interrupt_shut_down(pair.ends[0]);
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

TEST_CASE("a registration after the deadline sees that it passed", "[interruption]") {
  Interruption interruption;
  interruption.interrupt();
  SocketPair pair;
  const auto scope = interruption.on_interrupt_shut_down(pair.ends[0]);
  CHECK(interruption.interrupted());  // the caller must not start waiting
}
