#include "process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>

namespace test_support {
namespace {

std::vector<char *> c_strings(std::vector<std::string> &items) {
  std::vector<char *> out;
  for (auto &item : items) out.push_back(item.data());
  out.push_back(nullptr);
  return out;
}

// argv[0] found on the test's own PATH, as execvpe would, whatever PATH the child is given.
std::string resolve_program(const std::string &name) {
  if (name.find('/') != std::string::npos) return name;
  const char *path = std::getenv("PATH");
  std::string dirs = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
  size_t begin = 0;
  while (begin <= dirs.size()) {
    const size_t end = std::min(dirs.find(':', begin), dirs.size());
    const std::string dir = end > begin ? dirs.substr(begin, end - begin) : ".";
    const std::string candidate = dir + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    begin = end + 1;
  }
  return name;  // execve fails, and the child exits 127
}

// Everything the child needs, built before fork: the test process is multithreaded (servers on
// loopback), and a child that allocates between fork and exec can deadlock on an allocator lock
// another thread held at the fork (the sanitizers' allocator has no fork handlers to release it).
// The child itself makes only async-signal-safe calls.
class PreparedExec {
 public:
  PreparedExec(const std::vector<std::string> &argv, const EnvMap &env, std::string cwd)
      : program_(resolve_program(argv.at(0))), args_(argv), cwd_(std::move(cwd)) {
    for (const auto &[key, value] : env) envs_.push_back(key + "=" + value);
    c_args_ = c_strings(args_);
    c_envs_ = c_strings(envs_);
  }

  [[noreturn]] void exec() const {
    if (!cwd_.empty() && ::chdir(cwd_.c_str()) != 0) ::_exit(126);
    ::execve(program_.c_str(), c_args_.data(), c_envs_.data());
    ::_exit(127);
  }

 private:
  std::string program_;
  std::vector<std::string> args_;
  std::vector<std::string> envs_;
  std::string cwd_;
  std::vector<char *> c_args_;
  std::vector<char *> c_envs_;
};

void set_cloexec_pipe(std::array<int, 2> &fds) {
  if (pipe2(fds.data(), O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
}

// Reaps pid, killing it first if it outlives started + timeout; fills in how it ended.
void reap(pid_t pid, std::chrono::steady_clock::time_point started,
          std::chrono::milliseconds timeout, ProcessResult &result) {
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() - started > timeout) {
      kill(pid, SIGKILL);
      result.killed_by_test = true;
      waitpid(pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  result.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
}

}  // namespace

ProcessResult run_process(const std::vector<std::string> &argv, const EnvMap &env,
                          std::chrono::milliseconds kill_after, const std::string &cwd) {
  std::array<int, 2> out{};
  std::array<int, 2> err{};
  set_cloexec_pipe(out);
  set_cloexec_pipe(err);
  const PreparedExec child(argv, env, cwd);
  const auto started = std::chrono::steady_clock::now();
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    dup2(out[1], STDOUT_FILENO);
    dup2(err[1], STDERR_FILENO);
    const int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, STDIN_FILENO);
    child.exec();
  }
  close(out[1]);
  close(err[1]);
  ProcessResult result;
  std::array<pollfd, 2> fds{{{out[0], POLLIN, 0}, {err[0], POLLIN, 0}}};
  int open_streams = 2;
  const auto deadline = started + kill_after;
  while (open_streams > 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      kill(pid, SIGKILL);
      result.killed_by_test = true;
      break;
    }
    const int ready = poll(fds.data(), fds.size(), static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    for (size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      std::array<char, 65536> buffer{};
      const ssize_t got = read(fds[i].fd, buffer.data(), buffer.size());
      if (got <= 0) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_streams;
      } else {
        (i == 0 ? result.out : result.err).append(buffer.data(), static_cast<size_t>(got));
      }
    }
  }
  for (auto &fd : fds) {
    if (fd.fd >= 0) close(fd.fd);
  }
  int status = 0;
  struct rusage usage {};
  wait4(pid, &status, 0, &usage);
  result.peak_rss_kib = usage.ru_maxrss;
  result.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  return result;
}

ProcessResult run_with_stdout(const std::vector<std::string> &argv, const EnvMap &env,
                              int stdout_fd, std::chrono::milliseconds kill_after,
                              bool stderr_too) {
  std::array<int, 2> err{};
  set_cloexec_pipe(err);
  const PreparedExec child(argv, env, "");
  const auto started = std::chrono::steady_clock::now();
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    dup2(stdout_fd, STDOUT_FILENO);
    dup2(stderr_too ? stdout_fd : err[1], STDERR_FILENO);
    const int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, STDIN_FILENO);
    child.exec();
  }
  close(err[1]);
  ProcessResult result;
  reap(pid, started, kill_after, result);
  std::array<char, 4096> buffer{};
  ssize_t got = 0;
  while ((got = read(err[0], buffer.data(), buffer.size())) > 0)
    result.err.append(buffer.data(), static_cast<size_t>(got));
  close(err[0]);
  return result;
}

BackgroundProcess::BackgroundProcess(const std::vector<std::string> &argv, const EnvMap &env,
                                     const std::string &cwd) {
  std::array<int, 2> out{};
  set_cloexec_pipe(out);
  const PreparedExec child(argv, env, cwd);
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    dup2(out[1], STDOUT_FILENO);
    const int devnull = open("/dev/null", O_RDWR);
    if (devnull >= 0) {
      dup2(devnull, STDIN_FILENO);
      dup2(devnull, STDERR_FILENO);
    }
    child.exec();
  }
  close(out[1]);
  stdout_fd_ = out[0];
}

BackgroundProcess::~BackgroundProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  if (stdout_fd_ >= 0) close(stdout_fd_);
}

std::string BackgroundProcess::read_line(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (buffered_.find('\n') == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return "";
    pollfd fd{stdout_fd_, POLLIN, 0};
    if (poll(&fd, 1, static_cast<int>(left.count())) <= 0) continue;
    std::array<char, 4096> buffer{};
    const ssize_t got = read(stdout_fd_, buffer.data(), buffer.size());
    if (got <= 0) return "";
    buffered_.append(buffer.data(), static_cast<size_t>(got));
  }
  const auto newline = buffered_.find('\n');
  std::string line = buffered_.substr(0, newline);
  buffered_.erase(0, newline + 1);
  return line;
}

ProcessResult BackgroundProcess::wait_exit(std::chrono::milliseconds timeout) {
  ProcessResult result;
  reap(pid_, std::chrono::steady_clock::now(), timeout, result);
  pid_ = -1;
  result.out = buffered_;
  std::array<char, 4096> buffer{};
  ssize_t got = 0;
  while ((got = read(stdout_fd_, buffer.data(), buffer.size())) > 0)
    result.out.append(buffer.data(), static_cast<size_t>(got));
  return result;
}

EnvMap minimal_env() {
  const char *path = std::getenv("PATH");
  return {{"PATH", path != nullptr ? path : "/usr/bin:/bin"}};
}

}  // namespace test_support
