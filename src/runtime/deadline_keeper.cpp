#include "healthprobe/runtime/deadline_keeper.h"

#include "healthprobe/parsing/mount_table.h"

namespace healthprobe {

DeadlineKeeper choose_deadline_keeper(bool touches_files, MountTableFile &mounts) {
  if (!touches_files) return {false, "no step touches a file system"};
  std::string why;
  const std::string *table = mounts.table(why);
  if (table == nullptr) return {true, why};
  if (auto mount = first_hang_prone_mount(*table)) return {true, *mount + " may hang"};
  return {false, "every mount is local"};
}

}  // namespace healthprobe
