#include "healthprobe/checks/posix_files.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

namespace healthprobe {
namespace {
const char *errno_name(int error_number) {
  switch (error_number) {
    case EACCES:
      return "EACCES";
    case EPERM:
      return "EPERM";
    case EROFS:
      return "EROFS";
    case ENOENT:
      return "ENOENT";
    case ENOTDIR:
      return "ENOTDIR";
    case ENOSPC:
      return "ENOSPC";
    case EDQUOT:
      return "EDQUOT";
    case ELOOP:
      return "ELOOP";
    case EEXIST:
      return "EEXIST";
    case EIO:
      return "EIO";
    case EFBIG:
      return "EFBIG";
    default:
      return nullptr;
  }
}

}  // namespace

std::string parent_of(const std::string &path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

bool is_directory(const std::string &path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode);
}

std::string errno_text(int error_number) {
  std::string text = std::strerror(error_number);
  if (const char *name = errno_name(error_number)) text += std::string(" (") + name + ")";
  return text;
}

std::optional<std::string> read_small_file(const std::string &path, size_t max_bytes, int &error) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    error = errno;
    return std::nullopt;
  }
  return read_and_close(fd, max_bytes, error);
}

std::optional<std::string> read_and_close(int fd, size_t max_bytes, int &error) {
  struct stat info {};
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    error = S_ISDIR(info.st_mode) ? EISDIR : EINVAL;
    ::close(fd);
    return std::nullopt;
  }
  std::string content;
  std::array<char, 4096> buffer{};
  while (content.size() < max_bytes) {
    const ssize_t got = ::read(fd, buffer.data(), buffer.size());
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      error = errno;
      ::close(fd);
      return std::nullopt;
    }
    if (got == 0) break;
    content.append(buffer.data(), static_cast<size_t>(got));
  }
  ::close(fd);
  if (content.size() > max_bytes) content.resize(max_bytes);
  return content;
}

std::optional<DirectoryListing> list_directory(const std::string &path, size_t max_names,
                                               int &error) {
  DIR *dir = ::opendir(path.c_str());
  if (dir == nullptr) {
    error = errno;
    return std::nullopt;
  }
  DirectoryListing listing;
  while (const dirent *entry = ::readdir(dir)) {
    if (std::strcmp(entry->d_name, ".") == 0 || std::strcmp(entry->d_name, "..") == 0) continue;
    if (++listing.total <= max_names) listing.names.emplace_back(entry->d_name);
  }
  ::closedir(dir);
  return listing;
}

const char *kernel_interface_of(int fd) {
  struct statfs info {};
  if (::fstatfs(fd, &info) != 0) return nullptr;
  // The magic numbers of <linux/magic.h>, compared as the unsigned values they are.
  static constexpr struct {
    unsigned long magic;
    const char *name;
  } kInterfaces[] = {
      {PROC_SUPER_MAGIC, "procfs"},     {SYSFS_MAGIC, "sysfs"},
      {CGROUP_SUPER_MAGIC, "cgroupfs"}, {CGROUP2_SUPER_MAGIC, "cgroup2"},
      {DEBUGFS_MAGIC, "debugfs"},       {TRACEFS_MAGIC, "tracefs"},
      {SECURITYFS_MAGIC, "securityfs"}, {SELINUX_MAGIC, "selinuxfs"},
      {SMACK_MAGIC, "smackfs"},         {BPF_FS_MAGIC, "bpffs"},
      {EFIVARFS_MAGIC, "efivarfs"},     {PSTOREFS_MAGIC, "pstore"},
      {0x62656570UL, "configfs"},       {0x65735543UL, "fusectl"},
      {BINFMTFS_MAGIC, "binfmt_misc"},
  };
  const auto magic = static_cast<unsigned long>(info.f_type) & 0xFFFFFFFFUL;
  for (const auto &interface : kInterfaces) {
    if (interface.magic == magic) return interface.name;
  }
  return nullptr;
}

SymlinkResolution resolve_symlinks(const std::string &path) {
  constexpr int kMaxLinks = 40;  // the kernel's own limit before ELOOP
  SymlinkResolution resolution;
  std::string current = path;
  for (int hop = 0; hop <= kMaxLinks; ++hop) {
    struct stat info {};
    if (::lstat(current.c_str(), &info) != 0) {
      resolution.final_path = current;
      resolution.error = errno;
      return resolution;
    }
    if (!S_ISLNK(info.st_mode)) {
      resolution.final_path = current;
      resolution.final_mode = info.st_mode;
      resolution.ok = true;
      return resolution;
    }
    std::array<char, 4096> target{};
    const ssize_t length = ::readlink(current.c_str(), target.data(), target.size() - 1);
    if (length < 0) {
      resolution.final_path = current;
      resolution.error = errno;
      return resolution;
    }
    std::string next(target.data(), static_cast<size_t>(length));
    if (next.front() != '/') next = parent_of(current) + "/" + next;
    resolution.followed_link = true;
    current = next;
  }
  resolution.final_path = current;
  resolution.error = ELOOP;
  return resolution;
}

}  // namespace healthprobe
