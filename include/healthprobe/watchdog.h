#pragma once
// Runs an action at a point in time unless it is disarmed first. The HTTP check uses it to cut
// a connection that is still open at the deadline (a server that drips one byte at a time
// defeats per-read timeouts), and the run uses it as a last resort against a stuck system call.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace healthprobe {

class Watchdog {
 public:
  Watchdog(std::chrono::steady_clock::time_point when, std::function<void()> action);
  ~Watchdog();  // disarms and joins
  Watchdog(const Watchdog &) = delete;
  Watchdog &operator=(const Watchdog &) = delete;

  // After this returns the action has either run to completion or will never run.
  void disarm();
  bool fired() const;

 private:
  void wait_then_act();

  std::chrono::steady_clock::time_point when_;
  std::function<void()> action_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool disarmed_ = false;
  bool fired_ = false;
  std::thread thread_;
};

}  // namespace healthprobe
