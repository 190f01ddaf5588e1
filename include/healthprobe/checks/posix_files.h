#pragma once
// Thin, errno-reporting wrappers over the POSIX file calls the checks share.
#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace healthprobe {

bool is_directory(const std::string &path);
// The dir a path names its last component in: "/a/b" -> "/a", "/a" -> "/", "a" -> ".".
std::string parent_of(const std::string &path);
// "Permission denied (EACCES)": for messages a person can search for.
std::string errno_text(int error_number);
// Reads up to max_bytes of a regular file; nullopt with error set on failure.
std::optional<std::string> read_small_file(const std::string &path, size_t max_bytes, int &error);
// The first max_names names in a directory ("." and ".." excluded), and in total how many it
// holds; nullopt with error set on failure. Memory stays flat however many there are.
struct DirectoryListing {
  std::vector<std::string> names;
  size_t total = 0;
};
std::optional<DirectoryListing> list_directory(const std::string &path, size_t max_names,
                                               int &error);

// "procfs", "sysfs", "cgroup2"...: the name of the kernel interface fd's file lives on, a
// filesystem that is no storage (writing there talks to the kernel); nullptr for any other.
const char *kernel_interface_of(int fd);
// The same from a descriptor already open, which it closes: nullopt with error set when it is not
// a regular file (EISDIR, EINVAL) or a read fails.
std::optional<std::string> read_and_close(int fd, size_t max_bytes, int &error);

// Follows a chain of symlinks by hand so a failure can say which link dangles.
struct SymlinkResolution {
  std::string final_path;      // the path the chain ends at (exists only when ok)
  bool followed_link = false;  // path itself was a symlink
  bool ok = false;
  int error = 0;        // errno of the failing step
  mode_t final_mode{};  // the type and permission bits of final_path (only when ok)
};
SymlinkResolution resolve_symlinks(const std::string &path);

}  // namespace healthprobe
