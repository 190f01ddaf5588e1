#pragma once
// How the run interrupts a check that is blocked when the deadline passes. The check in progress
// registers what would unblock it (the HTTP check: shut its socket); the run's watchdog calls
// interrupt() at the deadline. One thread enforces the deadline for every check.
#include <functional>
#include <mutex>

namespace healthprobe {

class Interruption {
 public:
  // While alive, interrupt() calls the registered function. Its destructor waits for a call in
  // progress to finish, so what the function touches may be destroyed right after it.
  class Scope {
   public:
    explicit Scope(Interruption &owner) : owner_(&owner) {}
    ~Scope() { owner_->clear(); }
    Scope(const Scope &) = delete;
    Scope &operator=(const Scope &) = delete;

   private:
    Interruption *owner_;
  };

  // One registration at a time: checks run one after another.
  [[nodiscard]] Scope on_interrupt(std::function<void()> unblock);
  // Calls the registered function, if any; from then on interrupted() is true.
  void interrupt();
  bool interrupted() const;

 private:
  void clear();

  mutable std::mutex mutex_;
  std::function<void()> unblock_;
  bool interrupted_ = false;
};

}  // namespace healthprobe
