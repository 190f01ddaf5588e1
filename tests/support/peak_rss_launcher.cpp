// Runs a command and writes its peak RSS (KiB) to a file: peak_rss_launcher OUT_FILE PROGRAM
// ARGS... Why a separate, tiny, static program: Linux counts the memory a process had *before* exec
// in its ru_maxrss, so a probe forked straight from the test binary (tens of MiB, far more under
// ASan) would report the test binary's size. Forked from this launcher, it starts from almost
// nothing. The child keeps stdin/stdout/stderr and the environment; the launcher exits with the
// child's exit code (128 + the signal if it was killed), and the child dies with the launcher.
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>

int main(int argc, char **argv) {
  if (argc < 3) return 64;
  const pid_t pid = fork();
  if (pid < 0) return 71;
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    execv(argv[2], argv + 2);
    _exit(127);
  }
  int status = 0;
  rusage usage{};
  if (wait4(pid, &status, 0, &usage) != pid) return 71;
  if (FILE *out = std::fopen(argv[1], "w")) {
    std::fprintf(out, "%ld\n", usage.ru_maxrss);
    std::fclose(out);
  }
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}
