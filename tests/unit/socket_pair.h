#pragma once
// A connected pair of real local stream sockets, closed on destruction: something to block on and
// to shut down in the deadline tests.
#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <unistd.h>

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
