/* Runs one command and reports its wall time and peak RSS: "WALL_NS MAXRSS_KIB WAIT_STATUS".
 * Why not os.wait4 straight from Python: Linux records the address space a process had *before*
 * exec into its ru_maxrss, so a child spawned by the Python driver reports the driver's ~8 MiB.
 * This launcher is tiny and static, so what it hands over is a few hundred KiB at most (the bench
 * measures that overhead with /bin/true-like runs of the floor and reports it).
 * The child's stdin/stdout/stderr are /dev/null; its environment is this process's. */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv) {
  if (argc < 2) return 64;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  struct timespec t0, t1;
  pid_t pid;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  if (posix_spawn(&pid, argv[1], &fa, NULL, argv + 1, environ) != 0) return 127;
  int status;
  struct rusage ru;
  if (wait4(pid, &status, 0, &ru) != pid) return 1;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  long long ns = (t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec);
  printf("%lld %ld %d\n", ns, ru.ru_maxrss, status);
  return 0;
}
