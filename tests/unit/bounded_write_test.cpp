// write_within against real pipes: it writes what a reader drains, and gives up on one nobody
// reads at its time limit instead of blocking.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <thread>

#include "healthprobe/core/bounded_write.h"

using healthprobe::write_within;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {
struct Pipe {
  int read_end = -1;
  int write_end = -1;
  Pipe() {
    int fds[2];
    REQUIRE(pipe2(fds, O_CLOEXEC) == 0);
    read_end = fds[0];
    write_end = fds[1];
  }
  ~Pipe() {
    close(read_end);
    close(write_end);
  }
  Pipe(const Pipe &) = delete;
  Pipe &operator=(const Pipe &) = delete;
};
}  // namespace

TEST_CASE("a pipe with room takes everything, in order", "[bounded_write]") {
  Pipe pipe;
  std::string text(10000, 'a');
  for (size_t i = 0; i < text.size(); ++i) text[i] = static_cast<char>('a' + i % 26);
  std::string received;
  std::thread reader([&] {
    char buffer[1000];
    ssize_t got = 0;
    while (received.size() < text.size() && (got = read(pipe.read_end, buffer, sizeof buffer)) > 0)
      received.append(buffer, static_cast<size_t>(got));
  });
  CHECK(write_within(pipe.write_end, text.data(), text.size(), Clock::now() + milliseconds(5000)));
  reader.join();
  CHECK(received == text);
}

TEST_CASE("a pipe nobody reads: it gives up at its limit, the descriptor still blocking",
          "[bounded_write]") {
  Pipe pipe;
  REQUIRE(fcntl(pipe.write_end, F_SETFL, O_NONBLOCK) == 0);
  const std::string chunk(4096, 'x');
  while (write(pipe.write_end, chunk.data(), chunk.size()) > 0) {
  }
  REQUIRE(errno == EAGAIN);
  REQUIRE(fcntl(pipe.write_end, F_SETFL, 0) == 0);
  const auto start = Clock::now();
  CHECK_FALSE(write_within(pipe.write_end, "report\n", 7, start + milliseconds(200)));
  const auto took = Clock::now() - start;
  CHECK(took >= milliseconds(190));
  CHECK(took < milliseconds(2000));
  CHECK((fcntl(pipe.write_end, F_GETFL) & O_NONBLOCK) == 0);  // left as it was
  // A limit already past: nothing waits at all.
  const auto again = Clock::now();
  CHECK_FALSE(write_within(pipe.write_end, "x", 1, again - milliseconds(1)));
  CHECK(Clock::now() - again < milliseconds(100));
}
