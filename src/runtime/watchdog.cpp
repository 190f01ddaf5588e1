#include "healthprobe/runtime/watchdog.h"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace healthprobe {

struct Watchdog::State {
  TimePoint interrupt_at;
  std::function<void()> interrupt;
  TimePoint give_up_at;
  std::function<void()> give_up;
  std::mutex mutex;
  std::condition_variable wake;
  bool disarmed = false;
};

void Watchdog::watch(const std::shared_ptr<State> &state) {
  std::unique_lock<std::mutex> lock(state->mutex);
  const auto disarmed = [&state] { return state->disarmed; };
  if (state->wake.wait_until(lock, state->interrupt_at, disarmed)) return;
  state->interrupt();  // under the lock, so disarm() waits for it to finish
  // The grace counts from when the interrupt really happened: a process stopped across the
  // deadline (docker pause, SIGSTOP) finds both stages due when it runs again, and the check must
  // get its moment to see the interrupt and report before anyone gives up on it.
  const auto give_up_at =
      std::max(state->give_up_at, Clock::now() + (state->give_up_at - state->interrupt_at));
  if (state->wake.wait_until(lock, give_up_at, disarmed)) return;
  state->give_up();
}

Watchdog::Watchdog(TimePoint interrupt_at, std::function<void()> interrupt, TimePoint give_up_at,
                   std::function<void()> give_up)
    : state_(std::make_shared<State>()) {
  state_->interrupt_at = interrupt_at;
  state_->interrupt = std::move(interrupt);
  state_->give_up_at = give_up_at;
  state_->give_up = std::move(give_up);
  std::thread([state = state_] { watch(state); }).detach();
}

Watchdog::~Watchdog() {
  disarm();
}

void Watchdog::disarm() {
  std::lock_guard<std::mutex> lock(state_->mutex);
  state_->disarmed = true;
}

}  // namespace healthprobe
