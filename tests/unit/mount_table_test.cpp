// The mount table's one question: does anything mounted here risk a call that no signal can end?
// The tables are shaped like real /proc/self/mountinfo lines (a Docker container's, an ECS task
// with an EFS volume, a laptop with an sshfs mount).
#include <catch2/catch.hpp>

#include <string>

#include "healthprobe/parsing/mount_table.h"

using healthprobe::first_hang_prone_mount;
using healthprobe::is_local_filesystem_type;

namespace {
const std::string kContainer =
    "520 431 0:52 / / ro,relatime master:225 - overlay overlay "
    "rw,lowerdir=/var/lib/l/A:/var/lib/l/B\n"
    "521 520 0:55 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw\n"
    "522 520 0:56 / /dev rw,nosuid - tmpfs tmpfs rw,size=65536k,mode=755\n"
    "523 522 0:57 / /dev/pts rw,nosuid,noexec,relatime - devpts devpts rw,gid=5,mode=620\n"
    "524 520 0:58 / /sys ro,nosuid,nodev,noexec,relatime - sysfs sysfs ro\n"
    "525 524 0:30 / /sys/fs/cgroup ro,nosuid,nodev,noexec,relatime - cgroup2 cgroup rw\n"
    "526 522 0:54 / /dev/mqueue rw,nosuid,nodev,noexec,relatime - mqueue mqueue rw\n"
    "527 522 0:59 / /dev/shm rw,nosuid,nodev,noexec,relatime - tmpfs shm rw,size=65536k\n"
    "528 520 259:1 /var/lib/docker/containers/x/resolv.conf /etc/resolv.conf rw,relatime - ext4 "
    "/dev/nvme0n1p1 rw\n"
    "529 520 0:60 / /tmp rw,relatime - tmpfs tmpfs rw\n";
}  // namespace

TEST_CASE("a container's own mounts are all local", "[mount-table]") {
  CHECK_FALSE(first_hang_prone_mount(kContainer));
  CHECK_FALSE(first_hang_prone_mount(""));
}

TEST_CASE("a network or FUSE mount is named, with its mount point", "[mount-table]") {
  const std::string efs =
      kContainer + "530 520 0:61 / /mnt/efs rw,relatime - nfs4 127.0.0.1:/ rw,vers=4.1\n";
  CHECK(first_hang_prone_mount(efs) == "nfs4 on /mnt/efs");
  const std::string sshfs =
      "40 1 0:40 / /home/me/remote rw,nosuid,nodev - fuse.sshfs me@host:/ rw\n";
  CHECK(first_hang_prone_mount(kContainer + sshfs) == "fuse.sshfs on /home/me/remote");
  // Optional fields (shared:N master:N) before the separator do not confuse the type.
  const std::string optional = "41 1 0:41 / /data rw shared:3 master:7 - cifs //server/share rw\n";
  CHECK(first_hang_prone_mount(optional) == "cifs on /data");
}

TEST_CASE("a type the list does not know counts as hang-prone; so does a line that does not parse",
          "[mount-table]") {
  CHECK(first_hang_prone_mount("42 1 0:42 / /x rw - brandnewfs none rw\n") == "brandnewfs on /x");
  CHECK(
      first_hang_prone_mount("autofs is not local\n")->rfind("an unreadable mount table line", 0) ==
      0);
  // autofs waits for its daemon on a lookup, so it is not on the list.
  // Every local type, found by the search (the list is sorted, or the build fails).
  for (const char *type :
       {"aufs",    "binfmt_misc", "bpf",        "btrfs",      "cgroup",    "cgroup2",   "configfs",
        "debugfs", "devfs",       "devpts",     "devtmpfs",   "efivarfs",  "erofs",     "exfat",
        "ext2",    "ext3",        "ext4",       "f2fs",       "fusectl",   "hugetlbfs", "iso9660",
        "jfs",     "mqueue",      "nsfs",       "ntfs3",      "overlay",   "proc",      "pstore",
        "ramfs",   "reiserfs",    "rpc_pipefs", "securityfs", "selinuxfs", "shiftfs",   "squashfs",
        "sysfs",   "tmpfs",       "tracefs",    "vfat",       "xfs",       "zfs",       "zonefs"}) {
    INFO(type);
    CHECK(is_local_filesystem_type(type));
  }
  for (const char *type : {"", "a", "zz", "ext", "ext44", "tmpfs2", "nfs4", "cifs", "fuse.sshfs"}) {
    INFO(type);
    CHECK_FALSE(is_local_filesystem_type(type));
  }
  CHECK_FALSE(is_local_filesystem_type("autofs"));
  CHECK(is_local_filesystem_type("overlay"));
  CHECK(is_local_filesystem_type("tmpfs"));
  CHECK_FALSE(is_local_filesystem_type("fuse"));
  CHECK_FALSE(is_local_filesystem_type("nfs"));
}

TEST_CASE("what the mount table says is terminal-safe and short", "[mount-table]") {
  const std::string hostile =
      "43 1 0:43 / /evil\x1b[2J" + std::string(500, 'x') + " rw - fuse\x07 none rw\n";
  const auto named = first_hang_prone_mount(hostile);
  REQUIRE(named);
  CHECK(named->find('\x1b') == std::string::npos);
  CHECK(named->find('\x07') == std::string::npos);
  CHECK(named->size() < 200);
}

// /proc/self/mountstats, shaped like a container's (the same mounts as kContainer) and like a
// task with an EFS volume, whose NFS statistics follow on lines of their own.
namespace {
const std::string kContainerStats =
    "device overlay mounted on / with fstype overlay\n"
    "device proc mounted on /proc with fstype proc\n"
    "device tmpfs mounted on /dev with fstype tmpfs\n"
    "device devpts mounted on /dev/pts with fstype devpts\n"
    "device sysfs mounted on /sys with fstype sysfs\n"
    "device cgroup mounted on /sys/fs/cgroup with fstype cgroup2\n"
    "device shm mounted on /dev/shm with fstype tmpfs\n"
    "device /dev/nvme0n1p1 mounted on /etc/resolv.conf with fstype ext4\n"
    "no device mounted on /run/x with fstype tmpfs\n";
}  // namespace

using healthprobe::first_hang_prone_mount_in_stats;

TEST_CASE("mountstats: a container's own mounts are all local", "[mount-table]") {
  CHECK_FALSE(first_hang_prone_mount_in_stats(kContainerStats));
  CHECK_FALSE(first_hang_prone_mount_in_stats(""));
}

TEST_CASE(
    "mountstats: a network or FUSE mount is named, with its mount point; statistics are "
    "skipped",
    "[mount-table]") {
  const std::string efs = kContainerStats +
                          "device 127.0.0.1:/ mounted on /mnt/efs with fstype nfs4 statvers=1.1\n"
                          "\topts:\trw,vers=4.1,rsize=1048576\n"
                          "\tage:\t1234\n"
                          "\tevents:\t1 2 3\n";
  CHECK(first_hang_prone_mount_in_stats(efs) == "nfs4 on /mnt/efs");
  const std::string sshfs =
      "device me@host:/ mounted on /home/me/my\\040files with fstype fuse.sshfs\n";
  CHECK(first_hang_prone_mount_in_stats(kContainerStats + sshfs) ==
        "fuse.sshfs on /home/me/my files");
  // Statistics lines alone, whatever they hold, name no mount.
  CHECK_FALSE(
      first_hang_prone_mount_in_stats(kContainerStats + "\tper-op statistics\n  fuse mounted\n"));
}

TEST_CASE("mountstats: an unknown type counts as hang-prone; so does a line of another shape",
          "[mount-table]") {
  CHECK(first_hang_prone_mount_in_stats("device none mounted on /x with fstype brandnewfs\n") ==
        "brandnewfs on /x");
  for (const char *odd :
       {"devices mounted on /x with fstype ext4\n", "device a mounted on /x with type ext4\n",
        "device a mounted on /x with fstype \n", "device a mounted on  with fstype ext4\n",
        "device a mounted on /x\n"}) {
    INFO(odd);
    const auto named = first_hang_prone_mount_in_stats(odd);
    REQUIRE(named);
    CHECK(named->rfind("an unreadable mount table line", 0) == 0);
  }
}

TEST_CASE("mountstats: what it says is terminal-safe and short", "[mount-table]") {
  const std::string hostile =
      "device x mounted on /evil\x1b[2J" + std::string(500, 'x') + " with fstype fuse\x07\n";
  const auto named = first_hang_prone_mount_in_stats(hostile);
  REQUIRE(named);
  CHECK(named->find('\x1b') == std::string::npos);
  CHECK(named->find('\x07') == std::string::npos);
  CHECK(named->size() < 200);
}
