#include "healthprobe/runtime/deadline_keeper.h"

#include "healthprobe/parsing/mount_table.h"

namespace healthprobe {

DeadlineKeeper choose_deadline_keeper(bool touches_files, MountTableFile &mounts) {
  if (!touches_files) return {false, "no step touches a file system"};
  // mountstats holds all this needs (each mount's type) at half mountinfo's cost; a kernel or
  // sandbox without it still has mountinfo.
  std::string why;
  std::optional<std::string> hang_prone;
  if (const auto stats = read_mount_table("/proc/self/mountstats", why)) {
    hang_prone = first_hang_prone_mount_in_stats(*stats);
  } else if (const std::string *table = mounts.table(why)) {
    hang_prone = first_hang_prone_mount(*table);
  } else {
    return {true, why};
  }
  if (hang_prone) return {true, *hang_prone + " may hang"};
  return {false, "every mount is local"};
}

}  // namespace healthprobe
