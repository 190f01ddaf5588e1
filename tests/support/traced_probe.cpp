#include "traced_probe.h"

#include <dirent.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "probe_runner.h"
#include "temp_dir.h"

namespace test_support {

int nth_call(const std::string &syscall, const std::string &needle,
             const std::vector<std::string> &probe_args, const std::vector<std::string> &wrapper) {
  TempDir scratch;
  const std::string log = scratch / "trace";
  std::vector<std::string> argv = wrapper;
  argv.insert(argv.end(), {"strace", "-qq", "-o", log, "-e", "trace=" + syscall, probe_binary()});
  argv.insert(argv.end(), probe_args.begin(), probe_args.end());
  run_process(argv, minimal_env());
  std::istringstream lines(read_file(log));
  std::string line;
  int count = 0;
  while (std::getline(lines, line)) {  // no -f: only the main thread's calls are traced
    if (line.rfind(syscall + "(", 0) != 0) continue;
    ++count;
    if (line.find(needle) != std::string::npos) return count;
  }
  return 0;
}

TracedProbe::TracedProbe(const std::vector<std::string> &strace_args,
                         const std::vector<std::string> &probe_args,
                         const std::vector<std::string> &wrapper) {
  // No -f: only the main thread (where checks run) is traced and held; the watchdog runs free.
  std::vector<std::string> argv = wrapper;
  argv.insert(argv.end(), {"strace", "-qq", "-o", "/dev/null"});
  argv.insert(argv.end(), strace_args.begin(), strace_args.end());
  argv.push_back(probe_binary());
  argv.insert(argv.end(), probe_args.begin(), probe_args.end());
  strace_ = std::make_unique<BackgroundProcess>(argv, minimal_env());
}

namespace {
// The first descendant of `root` (children first, then theirs) whose executable is `binary`.
int descendant_running(int root, const std::string &binary) {
  std::vector<int> frontier{root};
  while (!frontier.empty()) {
    std::vector<int> next;
    for (const int parent : frontier) {
      std::ifstream in("/proc/" + std::to_string(parent) + "/task/" + std::to_string(parent) +
                       "/children");
      for (int pid = -1; in >> pid;) {
        char exe[4096];
        const std::string link = "/proc/" + std::to_string(pid) + "/exe";
        const ssize_t length = readlink(link.c_str(), exe, sizeof exe - 1);
        if (length > 0 && std::string(exe, static_cast<size_t>(length)) == binary) return pid;
        next.push_back(pid);
      }
    }
    frontier = std::move(next);
  }
  return -1;
}
}  // namespace

int TracedProbe::probe_pid() {
  // strace forks helpers of its own (feature tests) before the tracee, and a wrapper may stand
  // between: the probe is the descendant whose executable is the probe binary.
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  char *resolved = realpath(probe_binary().c_str(), nullptr);
  const std::string binary = resolved != nullptr ? resolved : probe_binary();
  free(resolved);
  while (probe_pid_ < 0 && std::chrono::steady_clock::now() < give_up) {
    probe_pid_ = descendant_running(strace_->pid(), binary);
    if (probe_pid_ < 0) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return probe_pid_;
}

bool TracedProbe::holds_file_under(const std::string &dir, std::chrono::milliseconds timeout) {
  const int pid = probe_pid();
  if (pid < 0) return false;
  const auto give_up = std::chrono::steady_clock::now() + timeout;
  const std::string fds = "/proc/" + std::to_string(pid) + "/fd";
  while (std::chrono::steady_clock::now() < give_up) {
    if (DIR *listing = opendir(fds.c_str())) {
      bool found = false;
      while (const dirent *entry = readdir(listing)) {
        char target[4096];
        const std::string link = fds + "/" + entry->d_name;
        const ssize_t length = readlink(link.c_str(), target, sizeof target - 1);
        if (length <= 0) continue;
        // The directory itself is open too: look for what is inside it.
        if (std::string(target, static_cast<size_t>(length)).rfind(dir + "/", 0) == 0) found = true;
      }
      closedir(listing);
      if (found) return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

}  // namespace test_support
