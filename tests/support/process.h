#pragma once
// Runs real processes for the integration tests: the probe itself, python3, unshare, bwrap.
#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace test_support {

using EnvMap = std::map<std::string, std::string>;

struct ProcessResult {
  int exit_code = -1;  // -1 when killed by a signal
  int signal = 0;
  std::string out;
  std::string err;
  std::chrono::milliseconds elapsed{0};
  bool killed_by_test = false;  // it outlived kill_after
  long peak_rss_kib = 0;        // ru_maxrss of the process (run_process only)
};

// Runs argv with exactly env (nothing inherited), in cwd if given; kills it after kill_after.
ProcessResult run_process(const std::vector<std::string> &argv, const EnvMap &env,
                          std::chrono::milliseconds kill_after = std::chrono::seconds(30),
                          const std::string &cwd = "");

// Runs argv with exactly env and its stdout on stdout_fd (which the test may never read); stderr
// is captured, or on stdout_fd too with stderr_too. Killed after kill_after.
ProcessResult run_with_stdout(const std::vector<std::string> &argv, const EnvMap &env,
                              int stdout_fd,
                              std::chrono::milliseconds kill_after = std::chrono::seconds(30),
                              bool stderr_too = false);

// A process left running (a server), killed and reaped on destruction.
class BackgroundProcess {
 public:
  BackgroundProcess(const std::vector<std::string> &argv, const EnvMap &env,
                    const std::string &cwd = "");
  ~BackgroundProcess();
  BackgroundProcess(const BackgroundProcess &) = delete;
  BackgroundProcess &operator=(const BackgroundProcess &) = delete;

  // The next line of its stdout, or "" after timeout / EOF.
  std::string read_line(std::chrono::milliseconds timeout);
  // Waits up to timeout for it to end (then SIGKILL), reaps it and returns its exit and the rest
  // of its stdout.
  ProcessResult wait_exit(std::chrono::milliseconds timeout);
  int pid() const { return pid_; }

 private:
  int pid_ = -1;
  int stdout_fd_ = -1;
  std::string buffered_;
};

// The environment the probe tests start from: PATH only, so the probe's defaults are exercised.
EnvMap minimal_env();

}  // namespace test_support
