#include "healthprobe/watchdog.h"

namespace healthprobe {

Watchdog::Watchdog(std::chrono::steady_clock::time_point when, std::function<void()> action)
    : when_(when), action_(std::move(action)), thread_([this] { wait_then_act(); }) {}

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

bool Watchdog::fired() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return fired_;
}

void Watchdog::wait_then_act() {
  std::unique_lock<std::mutex> lock(mutex_);
  if (wake_.wait_until(lock, when_, [this] { return disarmed_; })) return;
  fired_ = true;
  lock.unlock();
  action_();
}

}  // namespace healthprobe
