#pragma once
// Enforces the run's deadline from a second thread, in two stages, unless disarmed first:
//  1. at the deadline, interrupt the check in progress (a server that drips one byte at a time
//     defeats per-read timeouts; only cutting the connection ends it);
//  2. a grace period later (after the interrupt really ran, should that be late), give up: a check
//     stuck in a system call nothing can interrupt (a hung network mount) must not keep the probe
//     past Docker's timeout.
// Only a thread can do stage 2: a signal handler would not run while the check thread sleeps
// uninterruptibly in the kernel.
//
// The hot path pays for creating the thread and nothing more: disarming neither wakes nor joins
// it (waking and joining were measurable per probe, bench/STARTUP.md, and the thread's exit
// costs its own malloc arena). It sleeps on, holding only state it shares with this object, until
// its next stage time or the process's exit, whichever comes first.
#include <chrono>
#include <functional>
#include <memory>

namespace healthprobe {

class Watchdog {
 public:
  using Clock = std::chrono::steady_clock;
  using TimePoint = Clock::time_point;

  Watchdog(TimePoint interrupt_at, std::function<void()> interrupt, TimePoint give_up_at,
           std::function<void()> give_up);
  ~Watchdog();  // disarms
  Watchdog(const Watchdog &) = delete;
  Watchdog &operator=(const Watchdog &) = delete;

  // After this returns neither stage will run (one already running has finished): the stages run
  // under the lock this takes.
  void disarm();

 private:
  struct State;  // shared with the thread, which may outlive this object
  static void watch(const std::shared_ptr<State> &state);

  std::shared_ptr<State> state_;
};

}  // namespace healthprobe
