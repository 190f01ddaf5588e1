// Where the memory cgroup is and what its files say, on the shapes the kernel writes: cgroup v2
// inside a container's namespace and on a host, a hybrid host (memory on v1, an empty v2 beside
// it: this test machine's own /proc/self/cgroup), a v1 container without a cgroup namespace that
// sees only its own subtree (Docker on v1), and paths outside the namespace.
#include <catch2/catch.hpp>

#include "healthprobe/parsing/cgroup_location.h"
#include "healthprobe/parsing/cgroup_memory.h"
#include "healthprobe/parsing/process_start.h"

using namespace healthprobe;

namespace {

// Docker, Podman, containerd on a cgroup v2 host: a private cgroup namespace.
constexpr const char *kV2Namespaced = "0::/\n";
constexpr const char *kV2NamespacedMounts =
    "1104 1096 0:29 / /sys/fs/cgroup ro,nosuid,nodev,noexec,relatime - cgroup2 cgroup "
    "rw,nsdelegate,memory_recursiveprot\n";

// A hybrid host (systemd's "hybrid" mode, or this sandbox): memory is bound to v1.
constexpr const char *kHybrid =
    "9:name=systemd:/\n8:pids:/\n7:blkio:/\n6:freezer:/\n5:devices:/\n"
    "4:memory:/process_api/a32a78c32d41379cf3eaf3f69f0293f8\n3:cpuset:/\n2:cpuacct:/\n1:cpu:/\n"
    "0::/\n";

// Docker on a cgroup v1 host (no cgroup namespace): the host's path, and a mount whose root is it.
constexpr const char *kV1Docker =
    "12:pids:/docker/3f1a9c\n11:memory:/docker/3f1a9c\n10:cpu,cpuacct:/docker/3f1a9c\n"
    "1:name=systemd:/docker/3f1a9c\n";
constexpr const char *kV1DockerMounts =
    "1290 1281 0:26 / /sys/fs/cgroup ro,nosuid,nodev,noexec,relatime - tmpfs tmpfs rw,mode=755\n"
    "1291 1290 0:27 /docker/3f1a9c /sys/fs/cgroup/systemd ro,nosuid,nodev,noexec,relatime "
    "master:11 - cgroup cgroup rw,xattr,name=systemd\n"
    "1294 1290 0:30 /docker/3f1a9c /sys/fs/cgroup/cpu,cpuacct ro,nosuid,nodev,noexec,relatime "
    "master:17 - cgroup cgroup rw,cpu,cpuacct\n"
    "1296 1290 0:32 /docker/3f1a9c /sys/fs/cgroup/memory ro,nosuid,nodev,noexec,relatime "
    "master:19 - cgroup cgroup rw,memory\n";

}  // namespace

TEST_CASE("cgroup v2 in a container's namespace: the mount's own directory", "[cgroup]") {
  std::string why;
  const auto cgroup = memory_cgroup_of(kV2Namespaced, why);
  REQUIRE(cgroup);
  CHECK(cgroup->version == CgroupVersion::V2);
  CHECK(cgroup->path == "/");
  CHECK(usual_cgroup_dir(*cgroup).dir == "/sys/fs/cgroup");
  const auto found = cgroup_dir_from_mountinfo(kV2NamespacedMounts, *cgroup, why);
  REQUIRE(found);
  CHECK(found->dir == "/sys/fs/cgroup");
  CHECK(found->top == "/sys/fs/cgroup");
}

TEST_CASE("cgroup v2 on a host: the path below the mount", "[cgroup]") {
  std::string why;
  const auto cgroup = memory_cgroup_of("0::/system.slice/docker-3f1a9c.scope\n", why);
  REQUIRE(cgroup);
  CHECK(usual_cgroup_dir(*cgroup).dir == "/sys/fs/cgroup/system.slice/docker-3f1a9c.scope");
  const auto found = cgroup_dir_from_mountinfo(
      "25 1 0:22 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 "
      "rw,nsdelegate,memory_recursiveprot\n",
      *cgroup, why);
  REQUIRE(found);
  CHECK(found->dir == "/sys/fs/cgroup/system.slice/docker-3f1a9c.scope");
}

TEST_CASE("a hybrid host: the v1 memory line wins over the empty v2 one", "[cgroup]") {
  std::string why;
  const auto cgroup = memory_cgroup_of(kHybrid, why);
  REQUIRE(cgroup);
  CHECK(cgroup->version == CgroupVersion::V1);
  CHECK(usual_cgroup_dir(*cgroup).dir ==
        "/sys/fs/cgroup/memory/process_api/a32a78c32d41379cf3eaf3f69f0293f8");
  CHECK(usual_cgroup_dir(*cgroup).top == "/sys/fs/cgroup/memory");
}

TEST_CASE("v1 without a cgroup namespace: the mount's root is the container's cgroup", "[cgroup]") {
  std::string why;
  const auto cgroup = memory_cgroup_of(kV1Docker, why);
  REQUIRE(cgroup);
  CHECK(cgroup->version == CgroupVersion::V1);
  CHECK(cgroup->path == "/docker/3f1a9c");
  // The usual place does not exist inside such a container; mountinfo says where it is.
  CHECK(usual_cgroup_dir(*cgroup).dir == "/sys/fs/cgroup/memory/docker/3f1a9c");
  const auto found = cgroup_dir_from_mountinfo(kV1DockerMounts, *cgroup, why);
  REQUIRE(found);
  CHECK(found->dir == "/sys/fs/cgroup/memory");
  CHECK(found->top == "/sys/fs/cgroup/memory");
  // A process in a child of the container's cgroup.
  MemoryCgroup child{CgroupVersion::V1, "/docker/3f1a9c/worker"};
  CHECK(cgroup_dir_from_mountinfo(kV1DockerMounts, child, why)->dir ==
        "/sys/fs/cgroup/memory/worker");
  // A sibling whose name starts the same is not below the root.
  MemoryCgroup sibling{CgroupVersion::V1, "/docker/3f1a9c0"};
  CHECK_FALSE(cgroup_dir_from_mountinfo(kV1DockerMounts, sibling, why));
  CHECK_THAT(why, Catch::Contains("no mount of the memory cgroup hierarchy shows"));
}

TEST_CASE("a later mount hides an earlier one at the same place or above it", "[cgroup]") {
  std::string why;
  const MemoryCgroup cgroup{CgroupVersion::V1, "/process_api/a32/child"};
  // The hierarchy, then the container's own cgroup bind-mounted over it.
  const std::string bound =
      "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
      "90 89 0:32 /process_api/a32/child /sys/fs/cgroup/memory rw,relatime - cgroup cgroup "
      "rw,memory\n";
  const auto found = cgroup_dir_from_mountinfo(bound, cgroup, why);
  REQUIRE(found);
  CHECK(found->dir == "/sys/fs/cgroup/memory");
  // A tmpfs over /sys afterwards: no mount of the hierarchy is visible any more.
  CHECK_FALSE(cgroup_dir_from_mountinfo(bound + "95 89 0:50 / /sys rw,relatime - tmpfs tmpfs rw\n",
                                        cgroup, why));
  CHECK_THAT(why, Catch::Contains("hidden under a later mount"));
  // A mount below the hierarchy's mount point hides nothing.
  CHECK(cgroup_dir_from_mountinfo(
      bound + "96 90 0:51 / /sys/fs/cgroup/memory/x rw - tmpfs tmpfs rw\n", cgroup, why));
}

TEST_CASE("a memory controller shared with another in one v1 mount", "[cgroup]") {
  std::string why;
  const auto cgroup = memory_cgroup_of("4:cpu,memory:/job/7\n", why);
  REQUIRE(cgroup);
  const auto found = cgroup_dir_from_mountinfo(
      "40 31 0:37 / /cg/cpu\\054memory rw - cgroup cgroup rw,cpu,memory\n"
      "41 31 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n",
      *cgroup, why);
  REQUIRE(found);
  CHECK(found->dir == "/cg/cpu,memory/job/7");
  // mountinfo escapes: "\040" is a space.
  const auto spaced = cgroup_dir_from_mountinfo(
      "40 31 0:37 / /mnt/my\\040cgroups rw shared:9 master:2 - cgroup cgroup rw,memory\n", *cgroup,
      why);
  REQUIRE(spaced);
  CHECK(spaced->dir == "/mnt/my cgroups/job/7");
}

TEST_CASE("no memory cgroup: nothing to read, and why", "[cgroup]") {
  std::string why;
  CHECK_FALSE(memory_cgroup_of("", why));
  CHECK_THAT(why, Catch::Contains("names no memory cgroup"));
  CHECK_FALSE(memory_cgroup_of("3:cpu:/\n2:pids:/\n", why));
  // Outside the namespace: "/.." reaches a cgroup no mount inside it shows.
  CHECK_FALSE(memory_cgroup_of("4:memory:/../sibling\n", why));
  CHECK_THAT(why, Catch::Contains("outside this cgroup namespace"));
  CHECK_FALSE(memory_cgroup_of("0::/../other\n", why));
  const auto cgroup = memory_cgroup_of(kV2Namespaced, why);
  CHECK_FALSE(cgroup_dir_from_mountinfo(kV1DockerMounts, *cgroup, why));
  CHECK_THAT(why, Catch::Contains("not mounted here"));
}

TEST_CASE("the OOM-kill counter of v2 memory.events and v1 memory.oom_control", "[cgroup]") {
  CHECK(oom_kill_count("low 0\nhigh 0\nmax 12\noom 3\noom_kill 2\noom_group_kill 0\n") == 2u);
  CHECK(oom_kill_count("oom_kill_disable 0\nunder_oom 0\noom_kill 17\n") == 17u);
  CHECK(oom_kill_count("oom_kill 18446744073709551615\n") == 18446744073709551615ull);
  // A kernel before 4.13: no counter. Garbage or an overflow: no count either.
  CHECK_FALSE(oom_kill_count("oom_kill_disable 0\nunder_oom 0\n"));
  CHECK_FALSE(oom_kill_count("oom_kill 18446744073709551616\n"));
  CHECK_FALSE(oom_kill_count("oom_kill -1\n"));
  CHECK_FALSE(oom_kill_count("oom_kill\n"));
  CHECK_FALSE(oom_kill_count(""));
}

TEST_CASE("memory limits: v2 max, v1's near-2^63 no-limit, bytes", "[cgroup]") {
  CHECK(parse_memory_limit("max\n")->unlimited);
  CHECK(parse_memory_limit("9223372036854771712\n")->unlimited);  // v1, 4 KiB pages
  CHECK(parse_memory_limit("9223372036854710272\n")->unlimited);  // v1, 64 KiB pages
  const auto limit = parse_memory_limit("536870912\n");
  REQUIRE(limit);
  CHECK_FALSE(limit->unlimited);
  CHECK(limit->bytes == 536870912u);
  CHECK_FALSE(parse_memory_limit("lots"));
  CHECK_FALSE(parse_memory_limit(""));
}

TEST_CASE("how long ago PID 1 started, from /proc/1/stat and /proc/uptime", "[cgroup]") {
  // A command name with spaces and parentheses: fields count from the last ')'.
  const std::string stat =
      "1 (my (odd) init) S 0 0 0 0 -1 4194560 21827 5795123 0 290 171 715 24167 3028 10 -10 16 0 "
      "25 48246784 3169 18446744073709551615 1 1 0 0 0 0 0 4096 1256 0 0 0 17 1 0 0 0 0 0";
  CHECK(start_ticks_of(stat) == 25u);
  CHECK_FALSE(start_ticks_of("1 (init) S 0 0"));
  CHECK_FALSE(start_ticks_of("no parenthesis"));
  CHECK(uptime_of("2718.60 4037.12\n") == std::chrono::milliseconds(2718600));
  CHECK(uptime_of("5 1\n") == std::chrono::milliseconds(5000));
  CHECK_FALSE(uptime_of("-3.0 1"));
  CHECK_FALSE(uptime_of(""));
  CHECK(started_ago(25, 100, std::chrono::milliseconds(2718600)) ==
        std::chrono::milliseconds(2718350));
  CHECK(started_ago(271800, 100, std::chrono::milliseconds(2718600)) ==
        std::chrono::milliseconds(600));
  CHECK_FALSE(started_ago(999999999, 100, std::chrono::milliseconds(2718600)));
  CHECK_FALSE(started_ago(25, 0, std::chrono::milliseconds(2718600)));
}

TEST_CASE("cgroup.procs: whether a process ID is listed, one decimal per line", "[cgroup]") {
  using healthprobe::cgroup_procs_lists;
  CHECK(cgroup_procs_lists("1\n7\n42\n", 42));
  CHECK_FALSE(cgroup_procs_lists("42", 42));        // a line cut off: maybe 421 at the limit
  CHECK_FALSE(cgroup_procs_lists("1\n7\n42", 42));  // the same after whole lines
  CHECK(cgroup_procs_lists("42\n421", 42));
  CHECK_FALSE(cgroup_procs_lists("1\n7\n421\n", 42));  // a prefix is not the number
  CHECK_FALSE(cgroup_procs_lists("1\n7\n 42\n", 42));  // nor a padded line
  CHECK_FALSE(cgroup_procs_lists("042\n+42\n", 42));   // nor another spelling of it
  CHECK_FALSE(cgroup_procs_lists("", 42));
  CHECK_FALSE(cgroup_procs_lists("0\n", 0));                      // no process is 0
  CHECK_FALSE(cgroup_procs_lists("18446744073709551658\n", 42));  // no wrap-around to 42
}
