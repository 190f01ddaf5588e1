#include "healthprobe/checks/leftover_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <csignal>
#include <cstring>
#include <initializer_list>

namespace healthprobe::leftover_file {
namespace {

constexpr size_t kNameCapacity = 128;
char g_name[kNameCapacity];     // written before g_dir_fd publishes it
std::atomic<int> g_dir_fd{-1};  // -1: nothing to remove
std::atomic<bool> g_handlers_installed{false};

// Removes the file, then lets the signal end the process as it would have without us.
void on_termination_signal(int signal_number) {
  remove_now();
  std::signal(signal_number, SIG_DFL);
  std::raise(signal_number);
}

// Every signal whose default action ends the process and that comes from outside it: a `docker
// exec -it` terminal closing (SIGHUP), a CPU limit (SIGXCPU), a stray timer or user signal. Not
// the faults a bug would raise (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGSYS): the sanitizers
// report through those, and a probe that faults has worse problems than a leftover file.
constexpr std::array<int, 16> kEndingSignals = {
    SIGHUP,  SIGINT,    SIGQUIT, SIGABRT, SIGUSR1,   SIGUSR2, SIGPIPE, SIGALRM,
    SIGTERM, SIGSTKFLT, SIGXCPU, SIGXFSZ, SIGVTALRM, SIGPROF, SIGIO,   SIGPWR};

void install_handler(int signal_number, const struct sigaction &action) {
  struct sigaction previous {};
  // A caller that ignores the signal (nohup, a shell's background job, main's SIGPIPE) keeps it
  // ignored.
  if (::sigaction(signal_number, nullptr, &previous) == 0 && previous.sa_handler == SIG_IGN) return;
  ::sigaction(signal_number, &action, nullptr);
}

void install_handlers() {
  if (g_handlers_installed.exchange(true)) return;
  struct sigaction action {};
  action.sa_handler = on_termination_signal;
  sigemptyset(&action.sa_mask);
  for (const int signal_number : kEndingSignals) install_handler(signal_number, action);
  // The real-time signals end a process too (glibc keeps the first few for itself).
  for (int signal_number = SIGRTMIN; signal_number <= SIGRTMAX; ++signal_number)
    install_handler(signal_number, action);
}

}  // namespace

void remember(int dir_fd, const char *name) {
  install_handlers();
  g_dir_fd.store(-1);
  std::strncpy(g_name, name, kNameCapacity - 1);
  g_name[kNameCapacity - 1] = '\0';
  g_dir_fd.store(dir_fd, std::memory_order_release);
}

void forget() {
  g_dir_fd.store(-1, std::memory_order_release);
}

void remove_now() {
  const int dir_fd = g_dir_fd.exchange(-1, std::memory_order_acq_rel);
  if (dir_fd >= 0) ::unlinkat(dir_fd, g_name, 0);
}

}  // namespace healthprobe::leftover_file
