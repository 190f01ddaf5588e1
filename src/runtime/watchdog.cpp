#include "healthprobe/runtime/watchdog.h"

namespace healthprobe {

Watchdog::Watchdog(TimePoint interrupt_at, std::function<void()> interrupt, TimePoint give_up_at,
                   std::function<void()> give_up)
    : interrupt_at_(interrupt_at),
      interrupt_(std::move(interrupt)),
      give_up_at_(give_up_at),
      give_up_(std::move(give_up)),
      thread_([this] { watch(); }) {}

Watchdog::~Watchdog() {
  disarm();
}

void Watchdog::disarm() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    disarmed_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool Watchdog::disarmed_before(TimePoint when) {
  std::unique_lock<std::mutex> lock(mutex_);
  return wake_.wait_until(lock, when, [this] { return disarmed_; });
}

void Watchdog::watch() {
  if (disarmed_before(interrupt_at_)) return;
  interrupt_();
  if (disarmed_before(give_up_at_)) return;
  give_up_();
}

}  // namespace healthprobe
