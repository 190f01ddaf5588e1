// AlarmWatchdog: the deadline by timer signal. Real timers, real blocked reads on this thread, and
// a real forked process for the give-up, which ends the process.
#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <functional>
#include <string>
#include <vector>

#include "healthprobe/core/interruption.h"
#include "healthprobe/runtime/alarm_watchdog.h"
#include "socket_pair.h"

using healthprobe::AlarmWatchdog;
using healthprobe::Interruption;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

bool sigalrm_is_default() {
  struct sigaction current {};
  ::sigaction(SIGALRM, nullptr, &current);
  return current.sa_handler == SIG_DFL;
}
}  // namespace

TEST_CASE("an alarm watchdog shuts the socket down at the deadline, under a read on this thread",
          "[alarm]") {
  Interruption interruption;
  SocketPair pair;
  const std::function<void()> give_up = [] { ::_exit(3); };
  const auto start = Clock::now();
  AlarmWatchdog alarm(start + milliseconds(50), interruption, start + std::chrono::seconds(30),
                      give_up);
  REQUIRE(alarm.armed());
  const auto scope = interruption.scope();
  interruption.watch(pair.ends[0]);
  char byte = 0;
  ssize_t got = -1;
  do {
    got = ::recv(pair.ends[0], &byte, 1, 0);  // nothing is ever sent
  } while (got < 0 && errno == EINTR);
  const auto waited = Clock::now() - start;
  alarm.disarm();
  CHECK(got == 0);
  CHECK(interruption.interrupted());
  CHECK(waited >= milliseconds(50));
  CHECK(waited < std::chrono::seconds(5));
  CHECK(sigalrm_is_default());
}

TEST_CASE("an alarm watchdog gives up a grace period later, in the handler on the busy thread",
          "[alarm]") {
  int output[2] = {-1, -1};
  REQUIRE(::pipe(output) == 0);
  const auto start = Clock::now();
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    ::dup2(output[1], STDOUT_FILENO);
    Interruption interruption;
    // What run.cpp's give-up does, in little: async-signal-safe writes, then _exit.
    const std::function<void()> give_up = [] {
      static const char kMessage[] = "gave up\n";
      (void)!::write(STDOUT_FILENO, kMessage, sizeof kMessage - 1);
      ::_exit(1);
    };
    const auto now = Clock::now();
    AlarmWatchdog alarm(now + milliseconds(20), interruption, now + milliseconds(120), give_up);
    // Busy, as a check parsing a flood would be; never returns on its own.
    volatile unsigned long spin = 0;
    while (Clock::now() - now < std::chrono::seconds(10)) spin = spin + 1;
    ::_exit(7);
  }
  ::close(output[1]);
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  const auto waited = Clock::now() - start;
  std::string text(256, '\0');
  const ssize_t got = ::read(output[0], text.data(), text.size());
  ::close(output[0]);
  text.resize(got > 0 ? static_cast<size_t>(got) : 0);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 1);
  CHECK(text == "gave up\n");
  CHECK(waited >= milliseconds(120));
  CHECK(waited < std::chrono::seconds(5));
}

TEST_CASE("a disarmed alarm watchdog never acts, and SIGALRM is as it was", "[alarm]") {
  Interruption interruption;
  const std::function<void()> give_up = [] { ::_exit(3); };
  const auto start = Clock::now();
  {
    // Stages far enough off that a loaded machine still disarms before them: a give-up would
    // end this whole test program.
    AlarmWatchdog alarm(start + milliseconds(500), interruption, start + milliseconds(600),
                        give_up);
    REQUIRE(alarm.armed());
  }
  ::usleep(1000 * 1000);  // past both stage times
  CHECK_FALSE(interruption.interrupted());
  CHECK(sigalrm_is_default());
}

TEST_CASE("one alarm watchdog at a time: a second is not armed", "[alarm]") {
  Interruption interruption;
  const std::function<void()> give_up = [] { ::_exit(3); };
  const auto later = Clock::now() + std::chrono::seconds(30);
  AlarmWatchdog first(later, interruption, later, give_up);
  AlarmWatchdog second(later, interruption, later, give_up);
  CHECK(first.armed());
  CHECK_FALSE(second.armed());
  first.disarm();
  AlarmWatchdog third(later, interruption, later, give_up);
  CHECK(third.armed());
}
