#pragma once
// One deadline for the whole run: every check and every network wait draws on the same budget.
#include <chrono>

namespace healthprobe {

class Deadline {
 public:
  using Clock = std::chrono::steady_clock;

  explicit Deadline(std::chrono::milliseconds budget)
      : start_(Clock::now()), end_(start_ + budget), budget_(budget) {}

  bool expired() const { return Clock::now() >= end_; }
  // Never negative: zero once the deadline has passed.
  std::chrono::milliseconds remaining() const;
  std::chrono::milliseconds elapsed() const;
  std::chrono::milliseconds budget() const { return budget_; }
  Clock::time_point end() const { return end_; }

 private:
  Clock::time_point start_;
  Clock::time_point end_;
  std::chrono::milliseconds budget_;
};

}  // namespace healthprobe
