#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

#include "healthprobe/watchdog.h"

using healthprobe::Watchdog;
using Clock = std::chrono::steady_clock;

TEST_CASE("a watchdog acts at its time", "[watchdog]") {
  std::atomic<bool> acted{false};
  const auto start = Clock::now();
  Watchdog dog(start + std::chrono::milliseconds(50), [&] { acted = true; });
  while (!acted && Clock::now() - start < std::chrono::seconds(5))
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  CHECK(acted);
  CHECK(Clock::now() - start >= std::chrono::milliseconds(50));
  dog.disarm();
  CHECK(dog.fired());
}

TEST_CASE("a disarmed watchdog never acts, and disarming does not wait for its time",
          "[watchdog]") {
  std::atomic<bool> acted{false};
  const auto start = Clock::now();
  {
    Watchdog dog(start + std::chrono::seconds(30), [&] { acted = true; });
    dog.disarm();
    CHECK_FALSE(dog.fired());
  }
  CHECK_FALSE(acted);
  CHECK(Clock::now() - start < std::chrono::seconds(5));
}
