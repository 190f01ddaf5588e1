#include "healthprobe/parsing/mount_table.h"

#include <algorithm>
#include <iterator>

#include "healthprobe/core/text.h"

namespace healthprobe {
namespace {

// Disk, memory and kernel filesystems: their calls wait on local hardware or on nothing. autofs is
// not here (a lookup waits for the automount daemon), nor any network or FUSE type. Every line of
// the mount table is looked up here, so the types a container's table is made of come first (a
// cgroup v1 container has a dozen cgroup mounts, tmpfs and proc several each).
constexpr std::string_view kLocalTypes[] = {
    "cgroup",     "tmpfs",     "proc",    "overlay",   "sysfs",    "devpts",     "mqueue",
    "cgroup2",    "devtmpfs",  "ext4",    "xfs",       "nsfs",     "securityfs", "debugfs",
    "tracefs",    "bpf",       "pstore",  "hugetlbfs", "configfs", "fusectl",    "binfmt_misc",
    "btrfs",      "aufs",      "devfs",   "efivarfs",  "erofs",    "exfat",      "ext2",
    "ext3",       "f2fs",      "iso9660", "jfs",       "ntfs3",    "ramfs",      "reiserfs",
    "rpc_pipefs", "selinuxfs", "shiftfs", "squashfs",  "vfat",     "zfs",        "zonefs",
};

}  // namespace

std::optional<MountLine> parse_mount_line(std::string_view line) {
  // Field by field, without allocating: every run that touches files reads every line, so this is
  // on the hot path.
  size_t pos = 0;
  const auto next_field = [&line, &pos]() -> std::string_view {
    while (pos < line.size() && line[pos] == ' ') ++pos;
    const size_t start = pos;
    while (pos < line.size() && line[pos] != ' ') ++pos;
    return line.substr(start, pos - start);
  };
  MountLine parsed;
  for (int index = 0; index < 6; ++index) {
    const std::string_view field = next_field();
    if (field.empty()) return std::nullopt;
    if (index == 3) parsed.root = field;
    if (index == 4) parsed.mount_point = field;
  }
  for (std::string_view field = next_field(); field != "-"; field = next_field()) {
    if (field.empty()) return std::nullopt;  // no separator
  }
  parsed.type = next_field();
  if (parsed.type.empty()) return std::nullopt;
  next_field();  // the source
  parsed.super_options = next_field();
  return parsed;
}

std::string unescape_mount_path(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 3 < text.size() && text[i + 1] >= '0' && text[i + 1] <= '3' &&
        text[i + 2] >= '0' && text[i + 2] <= '7' && text[i + 3] >= '0' && text[i + 3] <= '7') {
      out.push_back(static_cast<char>((text[i + 1] - '0') * 64 + (text[i + 2] - '0') * 8 +
                                      (text[i + 3] - '0')));
      i += 3;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

bool is_local_filesystem_type(std::string_view type) {
  return std::find(std::begin(kLocalTypes), std::end(kLocalTypes), type) != std::end(kLocalTypes);
}

std::optional<std::string> first_hang_prone_mount(std::string_view mountinfo) {
  for (auto line : split(mountinfo, '\n')) {
    if (line.empty()) continue;
    const auto mount = parse_mount_line(line);
    if (!mount) return "an unreadable mount table line (" + printable(line, 60) + ")";
    if (!is_local_filesystem_type(mount->type))
      return printable(mount->type, 40) + " on " +
             printable(unescape_mount_path(mount->mount_point), 80);
  }
  return std::nullopt;
}

std::optional<std::string> first_hang_prone_mount_in_stats(std::string_view mountstats) {
  for (auto line : split(mountstats, '\n')) {
    if (line.empty() || line.front() == '\t' || line.front() == ' ') continue;  // statistics
    // "device SOURCE mounted on MOUNT_POINT with fstype TYPE[ ...]" or "no device mounted on ...":
    // eight words either way, the escaped source and mount point holding no space.
    std::string_view words[8];
    size_t pos = 0;
    bool whole = true;
    for (auto &word : words) {
      const size_t space = line.find(' ', pos);
      word =
          line.substr(pos, space == std::string_view::npos ? std::string_view::npos : space - pos);
      whole = whole && !word.empty();
      pos = space == std::string_view::npos ? line.size() : space + 1;
    }
    using namespace std::string_view_literals;  // no strlen per comparison, per line
    const bool shaped =
        whole && ((words[0] == "device"sv) || (words[0] == "no"sv && words[1] == "device"sv)) &&
        words[2] == "mounted"sv && words[3] == "on"sv && words[5] == "with"sv &&
        words[6] == "fstype"sv;
    if (!shaped) return "an unreadable mount table line (" + printable(line, 60) + ")";
    if (!is_local_filesystem_type(words[7]))
      return printable(words[7], 40) + " on " + printable(unescape_mount_path(words[4]), 80);
  }
  return std::nullopt;
}

}  // namespace healthprobe
