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
