#include "healthprobe/checks/filesystem_check.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

#include "healthprobe/checks/leftover_file.h"
#include "healthprobe/checks/posix_files.h"
#include "healthprobe/core/text.h"
#include "healthprobe/parsing/byte_size.h"
#include "healthprobe/parsing/duration.h"

namespace healthprobe {
namespace {

Observation observation_for(const std::string &measurement) {
  Observation observation{"filesystem", measurement};
  return observation;
}

std::string hint_for(int error_number) {
  switch (error_number) {
    case EROFS:
      return ": mount a writable volume or tmpfs there (docker run --tmpfs DIR)";
    case EACCES:
    case EPERM:
      return ": the directory is not writable for uid " + std::to_string(::getuid());
    case ENOSPC:
    case EDQUOT:
      return ": the filesystem is full";
    case EFBIG:
      return ": the process's file size limit (ulimit -f, RLIMIT_FSIZE) forbids even one byte";
    default:
      return "";
  }
}

// A name no other process picks: pid plus a clock reading; O_EXCL settles any collision.
std::string probe_file_name() {
  const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
  return ".healthprobe-" + std::to_string(::getpid()) + "-" + std::to_string(now);
}

// Writes one byte to fd and closes it. Returns 0 or the failing errno.
int write_byte_and_close(int fd) {
  int error = 0;
  const char byte = 0;
  ssize_t written = -1;
  do {
    written = ::write(fd, &byte, 1);
  } while (written < 0 && errno == EINTR);
  if (written != 1) error = errno;
  if (::close(fd) != 0 && error == 0) error = errno;
  return error;
}

// The fallback: creates, writes one byte to and removes a named file in dir_fd. The name is
// remembered first, so the watchdog's give-up and SIGTERM/SIGINT remove it too.
int write_and_remove_named_file(int dir_fd) {
  const std::string name = probe_file_name();
  leftover_file::remember(dir_fd, name.c_str());
  // O_NOFOLLOW and O_EXCL: never write through a symlink someone planted under our name.
  const int fd =
      ::openat(dir_fd, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    const int error = errno;
    leftover_file::forget();  // the name may be someone else's file: never remove it
    return error;
  }
  int error = write_byte_and_close(fd);
  leftover_file::forget();
  if (::unlinkat(dir_fd, name.c_str(), 0) != 0 && error == 0) error = errno;
  return error;
}

// O_TMPFILE asks the same questions of the directory (create permission, a writable mount, room
// for a byte) but the file never has a name, so nothing is left behind however the probe ends,
// even by SIGKILL. Where the filesystem lacks it (EOPNOTSUPP; EISDIR from kernels that predate
// it), a named file does the job. Returns 0 or the failing errno.
int write_probe_file(int dir_fd) {
  const int fd = ::openat(dir_fd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
  if (fd >= 0) return write_byte_and_close(fd);
  const int error = errno;
  if (error != EOPNOTSUPP && error != EISDIR && error != EINVAL) return error;
  return write_and_remove_named_file(dir_fd);
}

// The first existing directory at or above path: where uv would have to create its cache.
std::string nearest_existing(std::string path) {
  while (!path.empty() && path != "/" && !is_directory(path)) {
    const auto slash = path.rfind('/');
    path = slash == 0 || slash == std::string::npos ? "/" : path.substr(0, slash);
  }
  return path.empty() ? "/" : path;
}

std::optional<std::string> find_on_path(const std::string &search_path,
                                        const std::string &program) {
  for (auto dir : split(search_path, ':')) {
    if (dir.empty()) continue;
    const std::string candidate = std::string(dir) + "/" + program;
    struct stat info {};
    if (::stat(candidate.c_str(), &info) == 0 && S_ISREG(info.st_mode) &&
        ::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
  }
  return std::nullopt;
}

}  // namespace

std::uint64_t available_bytes(std::uint64_t blocks, std::uint64_t block_size) {
  std::uint64_t bytes = 0;
  if (__builtin_mul_overflow(blocks, block_size, &bytes)) return UINT64_MAX;
  return bytes;
}

Observation FilesystemCheck::check_writable(const std::string &dir) const {
  Observation observation = observation_for(dir);
  const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0) {
    const int error = errno;
    observation.status = Status::Fail;
    observation.output = dir + " cannot be opened as a directory: " + errno_text(error);
    return observation;
  }
  if (const char *interface = kernel_interface_of(dir_fd)) {
    ::close(dir_fd);
    observation.status = Status::Fail;
    observation.output = "cannot create a file in " + dir + ": it is " + interface +
                         ", a kernel interface, not storage (--writable names a dir the app "
                         "writes its files to)";
    return observation;
  }
  const int error = write_probe_file(dir_fd);
  struct statvfs space {};
  const bool have_space = ::fstatvfs(dir_fd, &space) == 0;
  ::close(dir_fd);
  if (error != 0) {
    observation.status = Status::Fail;
    observation.output =
        "cannot create a file in " + dir + ": " + errno_text(error) + hint_for(error);
    return observation;
  }
  if (!have_space) {
    observation.output = "writable (free space unknown)";
    return observation;
  }
  const std::uint64_t free_bytes = available_bytes(space.f_bavail, space.f_frsize);
  observation.observed_value = static_cast<double>(free_bytes);
  observation.observed_unit = "bytes free";
  observation.output = "writable, " + format_byte_size(free_bytes) + " free";
  if (free_bytes < settings_.min_free) {
    observation.status = Status::Fail;
    observation.output += ", below the required " + format_byte_size(settings_.min_free);
  }
  return observation;
}

std::optional<Observation> FilesystemCheck::check_uv_cache() const {
  // uv's own order: UV_CACHE_DIR, then $XDG_CACHE_HOME/uv, then $HOME/.cache/uv.
  std::string cache;
  if (settings_.uv_cache_dir) {
    cache = *settings_.uv_cache_dir;
  } else if (settings_.xdg_cache_home) {
    cache = *settings_.xdg_cache_home + "/uv";
  } else if (settings_.home) {
    cache = *settings_.home + "/.cache/uv";
  } else {
    return std::nullopt;
  }
  // The cache first: when uv could write it there is nothing to warn about, and the PATH scan
  // (a stat per PATH entry, on every run) is skipped.
  const std::string existing = nearest_existing(cache);
  if (::access(existing.c_str(), W_OK) == 0) return std::nullopt;
  const int error = errno;
  if (!settings_.path) return std::nullopt;
  const auto uv = find_on_path(*settings_.path, "uv");
  if (!uv) return std::nullopt;
  Observation observation = observation_for("uv-cache");
  observation.status = Status::Warn;
  observation.output = "uv is on PATH (" + *uv + ") but its cache " + cache + " is not writable (" +
                       existing + ": " + errno_text(error) +
                       "): `uv run` will fail; start the server with the venv's python";
  return observation;
}

std::vector<Observation> FilesystemCheck::not_run(const std::string &why) const {
  std::vector<Observation> observations;
  for (const auto &dir : settings_.writable) observations.push_back(observation_for(dir));
  if (observations.empty()) observations.push_back(observation_for("/"));
  for (auto &observation : observations) {
    observation.status = Status::Fail;
    observation.output = why;
  }
  return observations;
}

std::vector<Observation> FilesystemCheck::run(const Deadline &deadline,
                                              Interruption & /*interruption*/) {
  std::vector<Observation> observations;
  for (const auto &dir : settings_.writable) {
    if (deadline.expired()) {
      // Each dir not reached is still reported, under its own key.
      Observation skipped = observation_for(dir);
      skipped.status = Status::Fail;
      skipped.output =
          "not run: the " + format_duration(deadline.budget()) + " deadline had passed";
      observations.push_back(skipped);
      continue;
    }
    observations.push_back(check_writable(dir));
  }
  struct statvfs root {};
  Observation root_mode = observation_for("/");
  if (::statvfs("/", &root) == 0) {
    const bool read_only = (root.f_flag & ST_RDONLY) != 0;
    root_mode.observed_text = read_only ? "read-only" : "read-write";
    root_mode.output = std::string("root filesystem is ") + (read_only ? "read-only" : "writable");
  } else {
    root_mode.output = "root filesystem mode unknown: " + errno_text(errno);
  }
  observations.push_back(root_mode);
  if (settings_.writable.empty()) return observations;  // writability checks are off
  if (auto uv = check_uv_cache()) observations.push_back(*uv);
  return observations;
}

}  // namespace healthprobe
