#include "healthprobe/runtime/interruption.h"

namespace healthprobe {

Interruption::Scope Interruption::on_interrupt(std::function<void()> unblock) {
  std::lock_guard<std::mutex> lock(mutex_);
  unblock_ = std::move(unblock);
  return Scope(*this);
}

void Interruption::interrupt() {
  // The lock is held during the call so that Scope's destructor cannot free what it uses.
  std::lock_guard<std::mutex> lock(mutex_);
  interrupted_ = true;
  if (unblock_) unblock_();
}

bool Interruption::interrupted() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return interrupted_;
}

void Interruption::clear() {
  std::lock_guard<std::mutex> lock(mutex_);
  unblock_ = nullptr;
}

}  // namespace healthprobe
