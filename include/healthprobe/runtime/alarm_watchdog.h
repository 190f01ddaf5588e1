#pragma once
// The run's deadline enforced by a timer signal instead of a thread, for runs whose checks never
// block where a signal cannot reach them (run.cpp decides; the HTTP check's waits are all
// interruptible). The same two stages as Watchdog, from a SIGALRM handler on the checking thread:
//  1. at the deadline, Interruption::interrupt(): the watched socket is shut down;
//  2. a grace period later (after the interrupt really ran, should that be late), the give-up
//     message prepared for the check in progress is written to stdout (unless quiet) and the
//     probe exits 1. The handler runs on the checking thread, so
//     that check was working, not blocked in the kernel: its message says so.
//
// Why not always the thread: creating it, and tearing it down at exit, is the largest part of
// an HTTP-only probe's own cost (bench/STARTUP.md); a timer is three system calls.
// At most one armed per process: a signal handler has one set of globals.
#include <atomic>
#include <chrono>
#include <string>
#include <vector>

#include "healthprobe/core/interruption.h"

namespace healthprobe {

class AlarmWatchdog {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  // give_up_messages[i] is written if check i (as `running` says) is still in progress at
  // give_up_at; empty writes nothing. All three must outlive this object.
  AlarmWatchdog(TimePoint interrupt_at, Interruption &interruption, TimePoint give_up_at,
                const std::vector<std::string> &give_up_messages,
                const std::atomic<size_t> &running);
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
