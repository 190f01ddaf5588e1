#pragma once
// The probe under strace with a system call fault injected (strace -e inject=...): a real process
// whose chosen system call really fails with an errno the filesystem would give, or really stays
// blocked for a while, like a call into a hung network mount.
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "probe_runner.h"
#include "process.h"

namespace test_support {

// Which call of `syscall` made by the probe's main thread (1-based, counted like strace's
// `when=`) is the first whose traced line contains `needle`; 0 if none. From one traced run, in
// the same wrapper as the run it is for: a wrapper can change the deadline keeper, and a watchdog
// thread's start adds calls of its own on the main thread (the sanitizers' bookkeeping writes).
int nth_call(const std::string &syscall, const std::string &needle,
             const std::vector<std::string> &probe_args,
             const std::vector<std::string> &wrapper = {});

class TracedProbe {
 public:
  // Runs `WRAPPER strace -qq -o /dev/null STRACE_ARGS probe PROBE_ARGS`, the report captured.
  // Only the main thread is traced: the watchdog thread runs untouched, as it would in
  // production. WRAPPER is e.g. with_fuse_mount(dir), or nothing.
  TracedProbe(const std::vector<std::string> &strace_args,
              const std::vector<std::string> &probe_args,
              const std::vector<std::string> &wrapper = {});
  // The probe's own pid (a descendant of the process started), once strace has started it; -1
  // after 5 s without.
  int probe_pid();
  // Whether the probe holds an open file under dir (checked through /proc/PID/fd), waiting up to
  // timeout: proof that the check is in the middle of its file when the test acts.
  bool holds_file_under(const std::string &dir, std::chrono::milliseconds timeout);
  // The next line of the probe's report, or "" after timeout.
  std::string read_line(std::chrono::milliseconds timeout) { return strace_->read_line(timeout); }
  ProcessResult wait_exit(std::chrono::milliseconds timeout) { return strace_->wait_exit(timeout); }

 private:
  std::unique_ptr<BackgroundProcess> strace_;
  int probe_pid_ = -1;
};

}  // namespace test_support
