#pragma once
// The kernel's mount table, /proc/self/mountinfo, one line per mount:
//   ID PARENT MAJ:MIN ROOT MOUNT_POINT OPTIONS [OPTIONAL...] - TYPE SOURCE SUPER_OPTIONS
// with space, tab, newline and backslash in paths escaped as \ooo. No I/O here.
//
// Two readers use it: the OOM check (where the memory cgroup's hierarchy is mounted) and, where
// /proc/self/mountstats (below) cannot be read, the choice of how the run keeps its deadline: is
// anything mounted on which a system call may sleep where no signal reaches it? On a network or
// FUSE filesystem whose server has stopped answering, stat, open or write wait in the kernel until
// it answers; only another thread of the probe can then end the run on time. On the local
// filesystems a container has (overlay, tmpfs, ext4, xfs, proc...) they do not, and a timer signal
// is enough. A type the list does not know counts as hang-prone: a slower run beats a deadline
// missed.
#include <optional>
#include <string>
#include <string_view>

namespace healthprobe {

struct MountLine {
  std::string_view root;         // escaped, as in the table
  std::string_view mount_point;  // escaped, as in the table
  std::string_view type;
  std::string_view super_options;  // may be empty
};

// One line's fields; nullopt when it does not have the shape above.
std::optional<MountLine> parse_mount_line(std::string_view line);
// A path of the table with its \ooo escapes decoded.
std::string unescape_mount_path(std::string_view text);

// Whether a filesystem type is one that never waits on a server.
bool is_local_filesystem_type(std::string_view type);
// The first mount of a hang-prone type as "TYPE on MOUNTPOINT" (terminal-safe, short), or nothing
// when every mount is of a known local type. A line that does not parse counts as hang-prone too.
std::optional<std::string> first_hang_prone_mount(std::string_view mountinfo);

// The same question of /proc/self/mountstats, which the kernel writes at half mountinfo's cost (no
// mount options, whose overlay layer lists are long): one line per mount,
//   device SOURCE mounted on MOUNT_POINT with fstype TYPE[ STATISTICS]
// ("no device" for a mount without a source), SOURCE and MOUNT_POINT escaped as in mountinfo; a
// network filesystem's statistics continue on lines that start with a tab or a space.
std::optional<std::string> first_hang_prone_mount_in_stats(std::string_view mountstats);

}  // namespace healthprobe
