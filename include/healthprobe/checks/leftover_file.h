#pragma once
// The one named file the probe may have on disk (the writability probe's fallback where a
// filesystem has no O_TMPFILE), removed whatever ends the run: the watchdog's give-up (_exit) and
// every signal that ends a process from outside (SIGTERM, SIGINT, SIGHUP, SIGXCPU, SIGUSR1...)
// remove it too. Only SIGKILL can leave it, which is why O_TMPFILE comes first.
//
// Async-signal-safe: one slot in fixed storage, published with an atomic.
namespace healthprobe::leftover_file {

// Call before creating the file (a signal in between then finds nothing to remove, harmlessly).
// dir_fd must stay open until forget(). Installs the signal handlers on first use.
void remember(int dir_fd, const char *name);
void forget();
// Unlinks the remembered file, if any. Safe in a signal handler and from any thread.
void remove_now();

}  // namespace healthprobe::leftover_file
