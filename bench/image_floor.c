/* The image's floor: the least any probe can do that checks what the image's health check checks.
 * The same GET as bench/floor.c, plus, once each, the system calls those checks cannot do without,
 * with no more user-space work than finding the next path: whatever the probe spends beyond this is
 * its own (its code, its page faults, the calls it chooses to make). bench/STARTUP.md, fourth
 * round.
 *
 *   address-space cap (the memory budget)     setrlimit
 *   which deadline can work (hung mounts)     read /proc/self/mountstats
 *   the deadline itself                       sigaction + setitimer
 *   venv: version, interpreter, packages      read pyvenv.cfg, stat its home, access(bin/python,
 *                                             X_OK), list lib/pythonX.Y/site-packages
 *   writable dir, free space                  O_TMPFILE + one byte, fstatfs
 *   read-only root                            statfs("/")
 *   OOM count (cgroup v1 or v2)               read /proc/self/cgroup, read the counter file
 *   change log in a steady state              open the state file, flock, pread
 *   the report                                one write to stdout
 *
 * Usage: image_floor IPV4 PORT PATH, with the image's HEALTHPROBE_VENV, HEALTHPROBE_WRITABLE and
 * HEALTHPROBE_STATE_DIR in the environment. Exits 0 when every step worked, else 1 (64: bad usage).
 * Built by bench/prepare.sh with `cc -O2 -static`. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/time.h>
#include <unistd.h>

static char text[65536];

/* Reads all of PATH into text (NUL-terminated); its length, or -1. */
static long read_all(const char *path) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  long got = 0;
  ssize_t r;
  while (got < (long)sizeof text - 1 && (r = read(fd, text + got, sizeof text - 1 - got)) > 0)
    got += r;
  close(fd);
  text[got] = '\0';
  return got;
}

static void on_deadline(int signal_number) {
  (void)signal_number;
  _exit(1);
}

/* The venv: version from pyvenv.cfg, its home exists, bin/python runs, site-packages lists. */
static int venv_ok(const char *venv) {
  char path[4096];
  snprintf(path, sizeof path, "%s/pyvenv.cfg", venv);
  if (read_all(path) < 0) return 0;
  char *home = strstr(text, "home = "), *version = strstr(text, "version_info = ");
  if (version == NULL) version = strstr(text, "version = ");
  if (home == NULL || version == NULL) return 0;
  home += strlen("home = ");
  home[strcspn(home, "\n")] = '\0';
  version = strchr(version, '=') + 2;
  int major = 0, minor = 0;
  if (sscanf(version, "%d.%d", &major, &minor) != 2) return 0;
  struct stat st;
  if (stat(home, &st) != 0) return 0;
  snprintf(path, sizeof path, "%s/bin/python", venv);
  if (access(path, X_OK) != 0) return 0;
  snprintf(path, sizeof path, "%s/lib/python%d.%d/site-packages", venv, major, minor);
  DIR *dir = opendir(path);
  if (dir == NULL) return 0;
  int found = 0;
  for (struct dirent *entry; (entry = readdir(dir)) != NULL;)
    found += strstr(entry->d_name, ".dist-info") != NULL;
  closedir(dir);
  return found > 0;
}

static int writable_ok(const char *directory) {
  int dir = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) return 0;
  int file = openat(dir, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
  int ok = file >= 0 && write(file, "", 1) == 1;
  if (file >= 0) close(file);
  struct statfs fs;
  ok = ok && fstatfs(dir, &fs) == 0;
  close(dir);
  return ok;
}

/* The memory cgroup's OOM count: v1 memory.oom_control or v2 memory.events, at the cgroup
 * /proc/self/cgroup names or, in a container that sees only its own cgroup, at the mount's root. */
static int oom_ok(void) {
  if (read_all("/proc/self/cgroup") < 0) return 0;
  char *line = strstr(text, ":memory:");
  const char *file = "memory.oom_control";
  const char *mount = "/sys/fs/cgroup/memory";
  if (line == NULL) {
    line = strstr(text, "0::");
    file = "memory.events";
    mount = "/sys/fs/cgroup";
  }
  if (line == NULL) return 0;
  char *cgroup = strchr(line + 1, ':') + 1;
  cgroup[strcspn(cgroup, "\n")] = '\0';
  char path[4096];
  snprintf(path, sizeof path, "%s%s/%s", mount, cgroup, file);
  if (read_all(path) < 0) {
    snprintf(path, sizeof path, "%s/%s", mount, file);
    if (read_all(path) < 0) return 0;
  }
  return strstr(text, "oom_kill ") != NULL;
}

static int state_ok(const char *directory) {
  char path[4096];
  snprintf(path, sizeof path, "%s/image-floor.state", directory);
  int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return 0;
  char buffer[512];
  int ok = flock(fd, LOCK_EX | LOCK_NB) == 0 && pread(fd, buffer, sizeof buffer, 0) >= 0;
  close(fd);
  return ok;
}

static int get_ok(const char *ip, const char *port, const char *target) {
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(port))};
  if (inet_pton(AF_INET, ip, &addr.sin_addr) != 1) return 0;
  int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct timeval tv = {2, 0};
  setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  if (connect(s, (struct sockaddr *)&addr, sizeof addr) != 0) return 0;
  char req[512];
  int n = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: %s:%s\r\nConnection: close\r\n\r\n",
                   target, ip, port);
  if (n <= 0 || n >= (int)sizeof req || write(s, req, (size_t)n) != n) return 0;
  size_t got = 0;
  ssize_t r;
  while (got < sizeof text && (r = read(s, text + got, sizeof text - got)) > 0) got += (size_t)r;
  close(s);
  return got >= 12 && memcmp(text, "HTTP/1.", 7) == 0 && text[9] == '2';
}

int main(int argc, char **argv) {
  const char *venv = getenv("HEALTHPROBE_VENV"), *writable = getenv("HEALTHPROBE_WRITABLE");
  const char *state = getenv("HEALTHPROBE_STATE_DIR");
  if (argc != 4 || venv == NULL || writable == NULL || state == NULL) return 64;
  struct rlimit cap = {128u << 20, RLIM_INFINITY};
  if (setrlimit(RLIMIT_AS, &cap) != 0) return 1;
  if (read_all("/proc/self/mountstats") <= 0) return 1;
  int hang_prone = strstr(text, "fstype nfs") != NULL || strstr(text, "fstype fuse") != NULL;
  struct sigaction action = {.sa_handler = on_deadline};
  struct itimerval deadline = {.it_value = {3, 0}};
  if (sigaction(SIGALRM, &action, NULL) != 0 || setitimer(ITIMER_REAL, &deadline, NULL) != 0)
    return 1;
  struct statfs root;
  int ok = venv_ok(venv) && writable_ok(writable) && statfs("/", &root) == 0 && oom_ok() &&
           get_ok(argv[1], argv[2], argv[3]) && state_ok(state);
  char line[128];
  int n = snprintf(line, sizeof line, "%s: 6 checks%s\n", ok ? "healthy" : "unhealthy",
                   hang_prone ? " (a hang-prone mount)" : "");
  return write(STDOUT_FILENO, line, (size_t)n) == n && ok ? 0 : 1;
}
