#pragma once
// How the run ends a network wait that is still blocked when the deadline passes. The HTTP check
// hands over its socket as soon as it exists; the run's deadline enforcement (a watchdog thread or
// a timer signal, see run.cpp) calls interrupt(), which shuts the socket down, so that a connect
// in progress fails and a blocked read or write returns at once (a server dripping one byte at a
// time defeats any per-read timeout, and a wait that a signal interrupts may simply be retried).
//
// Lock-free and async-signal-safe: interrupt() may run in a signal handler on the very thread that
// handed over the socket, so it must never wait for that thread, allocate or take a lock.
#include <atomic>

namespace healthprobe {

class Interruption {
 public:
  // While alive, interrupt() shuts down the socket given to watch(). Its destructor waits for an
  // interrupt() in progress on another thread to finish, so that no later interrupt() touches a
  // descriptor number the process may reuse.
  class Scope {
   public:
    explicit Scope(Interruption &owner) : owner_(&owner) {}
    ~Scope() { owner_->clear(); }
    Scope(const Scope &) = delete;
    Scope &operator=(const Scope &) = delete;

   private:
    Interruption *owner_;
  };

  // One scope at a time: checks run one after another.
  [[nodiscard]] Scope scope() { return Scope(*this); }
  // The socket interrupt() shuts down from now on; shut down at once if the deadline has passed.
  void watch(int socket_fd);
  // Shuts the watched socket down, if any; from then on interrupted() is true.
  void interrupt();
  bool interrupted() const { return interrupted_.load(); }

 private:
  void clear();

  std::atomic<int> socket_fd_{-1};
  std::atomic<bool> in_progress_{false};  // an interrupt() is using socket_fd_
  std::atomic<bool> interrupted_{false};
};

}  // namespace healthprobe
