#pragma once
// How the run ends a network wait that is still blocked when the deadline passes. The HTTP check
// registers its connected socket; the run's deadline enforcement (a watchdog thread or a timer
// signal, see run.cpp) calls interrupt(), which shuts the socket down so that a blocked read or
// write returns at once (a server dripping one byte at a time defeats any per-read timeout).
//
// Lock-free and async-signal-safe: interrupt() may run in a signal handler on the very thread that
// registered the socket, so it must never wait for that thread, allocate or take a lock.
#include <atomic>

namespace healthprobe {

class Interruption {
 public:
  // While alive, interrupt() shuts down the registered socket. Its destructor waits for an
  // interrupt() in progress on another thread to finish, so the socket may be closed right after
  // (never shutting down a descriptor number the process has reused).
  class Scope {
   public:
    explicit Scope(Interruption &owner) : owner_(&owner) {}
    ~Scope() { owner_->clear(); }
    Scope(const Scope &) = delete;
    Scope &operator=(const Scope &) = delete;

   private:
    Interruption *owner_;
  };

  // One registration at a time: checks run one after another. Check interrupted() after
  // registering: a deadline that passed just before finds no socket to shut down.
  [[nodiscard]] Scope on_interrupt_shut_down(int socket_fd);
  // Shuts the registered socket down, if any; from then on interrupted() is true.
  void interrupt();
  bool interrupted() const { return interrupted_.load(); }

 private:
  void clear();

  std::atomic<int> socket_fd_{-1};
  std::atomic<bool> in_progress_{false};  // an interrupt() is using socket_fd_
  std::atomic<bool> interrupted_{false};
};

}  // namespace healthprobe
