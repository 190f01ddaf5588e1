#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

#include "healthprobe/runtime/watchdog.h"

using healthprobe::Watchdog;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {
void wait_for(const std::atomic<bool> &flag) {
  const auto give_up = Clock::now() + std::chrono::seconds(5);
  while (!flag && Clock::now() < give_up) std::this_thread::sleep_for(milliseconds(2));
}
}  // namespace

TEST_CASE("a watchdog interrupts at its time, then gives up a grace period later", "[watchdog]") {
  std::atomic<bool> interrupted{false};
  std::atomic<bool> gave_up{false};
  Clock::time_point interrupted_at;
  Clock::time_point gave_up_at;
  const auto start = Clock::now();
  Watchdog dog(
      start + milliseconds(50),
      [&] {
        interrupted_at = Clock::now();
        interrupted = true;
      },
      start + milliseconds(150),
      [&] {
        gave_up_at = Clock::now();
        gave_up = true;
      });
  wait_for(gave_up);
  dog.disarm();
  REQUIRE(interrupted);
  REQUIRE(gave_up);
  CHECK(interrupted_at - start >= milliseconds(50));
  CHECK(gave_up_at - start >= milliseconds(150));
}

TEST_CASE("disarming between the stages stops the second, without waiting for it", "[watchdog]") {
  std::atomic<bool> interrupted{false};
  std::atomic<bool> gave_up{false};
  const auto start = Clock::now();
  {
    Watchdog dog(
        start + milliseconds(20), [&] { interrupted = true; }, start + std::chrono::seconds(30),
        [&] { gave_up = true; });
    wait_for(interrupted);
    dog.disarm();
  }
  CHECK(interrupted);
  CHECK_FALSE(gave_up);
  CHECK(Clock::now() - start < std::chrono::seconds(5));
}

TEST_CASE("a disarmed watchdog never acts", "[watchdog]") {
  std::atomic<bool> acted{false};
  const auto start = Clock::now();
  {
    // Stages far enough off that a slow thread start (a sanitizer, a loaded machine) still
    // disarms before them.
    Watchdog dog(
        start + milliseconds(500), [&] { acted = true; }, start + milliseconds(600),
        [&] { acted = true; });
    dog.disarm();
    // Well past both stages: a disarm that did nothing would have let either act by now.
    std::this_thread::sleep_for(milliseconds(1000));
  }
  CHECK_FALSE(acted);
}

TEST_CASE("a watchdog that interrupts late still gives the check its grace after that",
          "[watchdog]") {
  // As when the whole process is stopped across the deadline (docker pause, SIGSTOP): the interrupt
  // runs long after its time, and the give-up, already due, must not follow at once.
  std::atomic<bool> gave_up{false};
  Clock::time_point interrupt_done;
  Clock::time_point gave_up_at;
  const auto start = Clock::now();
  Watchdog dog(
      start + milliseconds(20),
      [&] {
        std::this_thread::sleep_for(milliseconds(150));  // both stages fall due meanwhile
        interrupt_done = Clock::now();
      },
      start + milliseconds(70),
      [&] {
        gave_up_at = Clock::now();
        gave_up = true;
      });
  wait_for(gave_up);
  dog.disarm();
  REQUIRE(gave_up);
  CHECK(gave_up_at - interrupt_done >= milliseconds(50));
}
