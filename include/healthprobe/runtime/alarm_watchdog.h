#pragma once
// The run's deadline kept by a timer signal instead of a thread, for runs that never wait where a
// signal cannot reach them (deadline_keeper.h decides). The same two stages as Watchdog, from a
// SIGALRM handler on the running thread:
//  1. at the deadline, Interruption::interrupt(): the watched socket is shut down;
//  2. a grace period later (after the interrupt really ran, should that be late), give_up() runs
//     in the handler: it must be async-signal-safe and end the process. The handler runs on the
//     thread it interrupted, so that thread was working, not blocked in the kernel.
//
// Why not always the thread: creating it, and tearing it down at exit, is the largest part of
// a probe's own cost (docs/BENCHMARKS.md); a timer is three system calls.
// At most one armed per process: a signal handler has one set of globals.
#include <chrono>
#include <functional>

#include "healthprobe/core/interruption.h"

namespace healthprobe {

class AlarmWatchdog {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  // interruption and give_up must outlive this object; give_up must not return.
  AlarmWatchdog(TimePoint interrupt_at, Interruption &interruption, TimePoint give_up_at,
                const std::function<void()> &give_up);
  ~AlarmWatchdog();  // disarms
  AlarmWatchdog(const AlarmWatchdog &) = delete;
  AlarmWatchdog &operator=(const AlarmWatchdog &) = delete;

  // After this returns neither stage runs; the previous SIGALRM disposition is back.
  void disarm();
  // False if the timer could not be set up (the caller then needs another way).
  bool armed() const { return armed_; }

 private:
  bool armed_ = false;
};

}  // namespace healthprobe
