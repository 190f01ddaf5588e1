#pragma once
// Enforces the run's deadline from a second thread, in two stages, unless disarmed first:
//  1. at the deadline, interrupt the check in progress (a server that drips one byte at a time
//     defeats per-read timeouts; only cutting the connection ends it);
//  2. a grace period later, give up: a check stuck in a system call nothing can interrupt (a hung
//     network mount) must not keep the probe past Docker's timeout.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace healthprobe {

class Watchdog {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  Watchdog(TimePoint interrupt_at, std::function<void()> interrupt, TimePoint give_up_at,
           std::function<void()> give_up);
  ~Watchdog();  // disarms and joins
  Watchdog(const Watchdog &) = delete;
  Watchdog &operator=(const Watchdog &) = delete;

  // After this returns neither stage will run (one already running has finished).
  void disarm();

 private:
  void watch();
  // Sleeps until `when` or until disarmed; true if disarmed.
  bool disarmed_before(TimePoint when);

  TimePoint interrupt_at_;
  std::function<void()> interrupt_;
  TimePoint give_up_at_;
  std::function<void()> give_up_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool disarmed_ = false;
  std::thread thread_;
};

}  // namespace healthprobe
