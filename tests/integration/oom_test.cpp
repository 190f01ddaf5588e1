// The OOM-kill count against real cgroups: the test makes a child memory cgroup with a tiny limit
// (as root, under the v1 memory controller or a cgroup v2 hierarchy with the memory controller,
// whichever this machine has), lets the kernel OOM-kill a real python3 in it, and runs the probe
// in that cgroup: as a process of the host would see it, as a container without a cgroup
// namespace (its cgroup bind-mounted over the hierarchy, like Docker on cgroup v1), and as one
// with a namespace and its own mount (Docker on cgroup v2, Kubernetes).
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>

#include "probe_runner.h"
#include "skip.h"
#include "temp_dir.h"

using namespace test_support;

namespace {

// The victim is killed under a 32 MiB limit; the probe then runs under a roomier one (a sanitizer
// build of the probe alone takes some 64 MiB). The count outlives the change of limit.
constexpr long kVictimLimit = 32L << 20;
constexpr long kProbeLimit = 256L << 20;

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

bool write_text(const std::string &path, const std::string &text) {
  std::ofstream out(path);
  out << text;
  out.flush();
  return static_cast<bool>(out);
}

// The OOM-kill count as the kernel keeps it in dir, read by the test itself.
long oom_kills_in(const std::string &dir, bool v2) {
  std::istringstream lines(read_file(dir + (v2 ? "/memory.events" : "/memory.oom_control")));
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("oom_kill ", 0) == 0) return std::stol(line.substr(9));
  }
  return -1;
}

// This process's own line for a hierarchy in /proc/self/cgroup: the v1 memory line, or "0::".
std::optional<std::string> own_cgroup_path(bool v2) {
  std::istringstream lines(read_file("/proc/self/cgroup"));
  for (std::string line; std::getline(lines, line);) {
    const auto first = line.find(':');
    const auto second = line.find(':', first + 1);
    const std::string controllers = line.substr(first + 1, second - first - 1);
    const bool match = v2 ? line.rfind("0::", 0) == 0
                          : ("," + controllers + ",").find(",memory,") != std::string::npos;
    if (match) return line.substr(second + 1);
  }
  return std::nullopt;
}

// A child memory cgroup with no swap (so a limit is reached and the OOM killer runs), removed when
// the test ends (every process in it has exited by then). Where none can be made, `why` says so
// and `dir` is empty.
struct ChildCgroup {
  bool v2 = false;
  std::string dir;
  std::string why;

  enum class Version { V1, V2, Either };

  explicit ChildCgroup(Version version) {
    if (geteuid() != 0) {
      why = "making a memory cgroup needs root";
      return;
    }
    if (version == Version::V1) {
      make_v1();
    } else if (version == Version::V2) {
      make_v2();
    } else if (!make_v2()) {
      const std::string v2_why = why;
      if (!make_v1()) why = v2_why + "; " + why;
    }
  }
  ~ChildCgroup() {
    if (!dir.empty()) rmdir(dir.c_str());
  }
  ChildCgroup(const ChildCgroup &) = delete;
  ChildCgroup &operator=(const ChildCgroup &) = delete;

  // v1 keeps memory+swap at or above memory alone: raise that first, lower it last.
  bool set_limit(long bytes) {
    const std::string text = std::to_string(bytes);
    if (v2) return write_text(dir + "/memory.max", text);
    const std::string memsw = dir + "/memory.memsw.limit_in_bytes";
    const bool has_memsw = access(memsw.c_str(), F_OK) == 0;
    if (has_memsw && bytes > limit_) write_text(memsw, text);
    const bool set = write_text(dir + "/memory.limit_in_bytes", text);
    if (has_memsw && bytes <= limit_) write_text(memsw, text);
    if (set) limit_ = bytes;
    return set;
  }

  bool make_in(const std::string &parent) {
    const std::string path =
        parent + "/healthprobe-test-" + std::to_string(getpid()) + "-" + std::to_string(++made_);
    if (mkdir(path.c_str(), 0755) != 0) {
      why = "cannot make " + path + ": " + std::strerror(errno);
      return false;
    }
    dir = path;
    if (v2 && access((dir + "/memory.swap.max").c_str(), F_OK) == 0)
      write_text(dir + "/memory.swap.max", "0");  // absent without swap
    if (!set_limit(kProbeLimit)) {
      why = "cannot set the memory limit of " + dir;
      return false;
    }
    return true;
  }

  bool make_v1() {
    const std::string mount = "/sys/fs/cgroup/memory";
    struct statfs fs {};
    if (statfs(mount.c_str(), &fs) != 0 ||
        access((mount + "/memory.oom_control").c_str(), F_OK) != 0) {
      why = "no cgroup v1 memory controller mounted at " + mount;
      return false;
    }
    const auto own = own_cgroup_path(false);
    if (!own) {
      why = "this process is in no v1 memory cgroup";
      return false;
    }
    v2 = false;
    return make_in(mount + (*own == "/" ? "" : *own));
  }

  bool make_v2() {
    for (const std::string mount : {"/sys/fs/cgroup", "/sys/fs/cgroup/unified"}) {
      const std::string controllers = read_file(mount + "/cgroup.controllers");
      if (access((mount + "/cgroup.controllers").c_str(), F_OK) != 0) continue;
      if (controllers.find("memory") == std::string::npos) {
        why = "the cgroup v2 hierarchy at " + mount +
              " offers no memory controller (cgroup.controllers: " + trimmed(controllers) + ")";
        continue;
      }
      // Below the hierarchy's root, which may hold processes and still delegate memory.
      const std::string subtree = mount + "/cgroup.subtree_control";
      if (read_file(subtree).find("memory") == std::string::npos) write_text(subtree, "+memory");
      if (read_file(subtree).find("memory") == std::string::npos) {
        why = "cannot enable the memory controller below " + mount;
        continue;
      }
      v2 = true;
      if (make_in(mount)) return true;
    }
    if (why.empty()) why = "no cgroup v2 hierarchy mounted";
    return false;
  }

 private:
  int made_ = 0;
  long limit_ = LONG_MAX;  // v1: what memory.limit_in_bytes was last set to (at first: none)
};

// Runs argv as a process of cgroup dir: a shell moves itself in, then execs.
ProcessResult run_in(const std::string &dir, const std::vector<std::string> &argv,
                     const EnvMap &env = minimal_env()) {
  std::vector<std::string> command{
      "sh", "-c", "echo $$ > \"$1/cgroup.procs\" && shift && exec \"$@\"", "sh", dir};
  command.insert(command.end(), argv.begin(), argv.end());
  return run_process(command, env);
}

// A python3 that touches 256 MiB under a 32 MiB limit: the kernel's OOM killer ends it. Then the
// limit the probe runs under is put back.
void oom_kill_one(ChildCgroup &cgroup) {
  const long before = oom_kills_in(cgroup.dir, cgroup.v2);
  REQUIRE(cgroup.set_limit(kVictimLimit));
  const auto victim =
      run_in(cgroup.dir, {python3(), "-c", "b = bytearray(b'x') * (256 << 20); print(len(b))"});
  REQUIRE(cgroup.set_limit(kProbeLimit));
  INFO(victim.out << victim.err);
  REQUIRE(victim.signal == SIGKILL);
  REQUIRE(oom_kills_in(cgroup.dir, cgroup.v2) == before + 1);
}

std::vector<std::string> probe_argv(const std::vector<std::string> &args) {
  auto argv = probe_command();
  for (const auto &word : {"--no-http", "--venv", "none", "--writable", "none"})
    argv.emplace_back(word);
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

std::string oom_line(const std::string &report) {
  std::istringstream lines(report);
  for (std::string line; std::getline(lines, line);) {
    if (line.find("  memory:oom ") != std::string::npos) return line;
  }
  return "";
}

}  // namespace

TEST_CASE("the probe reports its own cgroup's OOM count, as the kernel keeps it",
          "[oom][may-skip]") {
  std::string dir;
  bool v2 = false;
  if (const auto v1_path = own_cgroup_path(false);
      v1_path && access("/sys/fs/cgroup/memory/memory.oom_control", F_OK) == 0) {
    dir = "/sys/fs/cgroup/memory" + (*v1_path == "/" ? "" : *v1_path);
  } else if (const auto v2_path = own_cgroup_path(true)) {
    dir = "/sys/fs/cgroup" + (*v2_path == "/" ? "" : *v2_path);
    v2 = true;
  }
  const long kills = dir.empty() ? -1 : oom_kills_in(dir, v2);
  if (kills < 0) HEALTHPROBE_SKIP("no OOM-kill count readable at the usual place for this process");
  const auto result = probe({"--no-http", "--venv", "none", "--writable", "none"});
  INFO(result.out);
  CHECK(result.exit_code == 0);
  if (kills == 0) {
    CHECK(oom_line(result.out) ==
          std::string("pass  memory:oom    no process in this container was OOM-killed (cgroup ") +
              (v2 ? "v2" : "v1") + ")");
  } else {
    CHECK_THAT(oom_line(result.out),
               Catch::StartsWith("warn") && Catch::Contains(std::to_string(kills) + " process"));
  }
}

namespace {

// The probe in a cgroup whose processes the OOM killer ends, with --log-to: degraded (exit 0), the
// count, the limit in MiB, and a log line when the count rises, none while it stands.
void degraded_counted_and_logged(ChildCgroup &cgroup) {
  TempDir dir;
  const std::string log = dir / "container.log";
  write_file(log, "");
  const auto run = [&] {
    return run_in(cgroup.dir, probe_argv({"--log-to", log, "--state-dir", dir.path()}));
  };
  const auto none = run();
  INFO(none.out << none.err);
  CHECK(none.exit_code == 0);
  CHECK_THAT(oom_line(none.out), Catch::Contains("no process in this container was OOM-killed"));

  oom_kill_one(cgroup);
  const auto one = run();
  INFO(one.out);
  CHECK(one.exit_code == 0);  // degraded: a restart would not give the container more memory
  CHECK(first_line(one.out) ==
        "degraded: memory:oom 1 process in this container was OOM-killed (memory limit 256 MiB)");
  CHECK(run().exit_code == 0);  // the same count again: no new line

  oom_kill_one(cgroup);
  const auto two = run();
  CHECK(
      first_line(two.out) ==
      "degraded: memory:oom 2 processes in this container were OOM-killed (memory limit 256 MiB)");

  std::vector<std::string> lines;
  std::istringstream stream(read_file(log));
  for (std::string line; std::getline(stream, line);)
    lines.push_back(line.substr(line.find(' ') + 1));
  INFO(read_file(log));
  REQUIRE(lines.size() == 3);
  CHECK_THAT(lines[0], Catch::StartsWith("healthprobe: healthy (first run)"));
  CHECK(lines[1] ==
        "healthprobe: degraded (was healthy): memory:oom 1 process in this container "
        "was OOM-killed (memory limit 256 MiB)");
  CHECK(lines[2] ==
        "healthprobe: degraded (was degraded: memory:oom#1): memory:oom 2 processes "
        "in this container were OOM-killed (memory limit 256 MiB)");
}

}  // namespace

TEST_CASE("OOM kills in a cgroup v1 memory cgroup: degraded, counted, logged as the count rises",
          "[oom][may-skip]") {
  ChildCgroup cgroup(ChildCgroup::Version::V1);
  if (cgroup.dir.empty()) HEALTHPROBE_SKIP("no v1 memory cgroup can be made here: " << cgroup.why);
  degraded_counted_and_logged(cgroup);
}

TEST_CASE("OOM kills in a cgroup v2 cgroup: degraded, counted, logged as the count rises",
          "[oom][may-skip]") {
  ChildCgroup cgroup(ChildCgroup::Version::V2);
  if (cgroup.dir.empty()) HEALTHPROBE_SKIP("no v2 memory cgroup can be made here: " << cgroup.why);
  degraded_counted_and_logged(cgroup);
}

namespace {

// After one OOM kill in cgroup, the probe runs in it inside a container's view of cgroups, made by
// `unshare FLAGS sh -c 'SETUP && exec PROBE' sh SETUP_ARGS...`, and must report that kill.
void reports_the_kill_from(ChildCgroup &cgroup, const std::vector<std::string> &unshare_flags,
                           const std::string &setup,
                           const std::vector<std::string> &setup_args = {}) {
  oom_kill_one(cgroup);
  std::vector<std::string> argv{"unshare"};
  argv.insert(argv.end(), unshare_flags.begin(), unshare_flags.end());
  argv.insert(argv.end(), {"sh", "-c", setup + " && exec \"$@\"", "sh"});
  argv.insert(argv.end(), setup_args.begin(), setup_args.end());
  for (const auto &word : probe_argv({})) argv.push_back(word);
  const auto result = run_in(cgroup.dir, argv);
  INFO(result.out << result.err);
  CHECK(result.exit_code == 0);
  CHECK(first_line(result.out) ==
        "degraded: memory:oom 1 process in this container was OOM-killed (memory limit 256 MiB)");
}

}  // namespace

TEST_CASE("a container without a cgroup namespace sees only its own cgroup: found via mountinfo",
          "[oom][may-skip]") {
  ChildCgroup cgroup(ChildCgroup::Version::Either);
  if (cgroup.dir.empty())
    HEALTHPROBE_SKIP("no child memory cgroup can be made here: " << cgroup.why);
  if (probe_is_emulated()) HEALTHPROBE_SKIP("under emulation (see probe_runner.h)");
  // As Docker on cgroup v1 does: the container's own cgroup bind-mounted where the hierarchy's
  // root would be, while /proc/self/cgroup still names the host's path.
  reports_the_kill_from(cgroup, {"--mount"}, "mount --bind \"$1\" \"$2\" && shift 2",
                        {cgroup.dir, cgroup.v2 ? "/sys/fs/cgroup" : "/sys/fs/cgroup/memory"});
}

namespace {

// The probe, with a writable dir (so the deadline keeper reads a mount table), run in cgroup with
// `shown` bind-mounted over the memory hierarchy, under strace: its report, and the files it
// opened.
struct TracedRun {
  ProcessResult result;
  std::string opens;
};

TracedRun traced_run_with_view(ChildCgroup &cgroup, const std::string &shown) {
  TempDir scratch;
  const std::string trace = scratch / "openat.trace";
  std::vector<std::string> argv{"unshare",
                                "--mount",
                                "sh",
                                "-c",
                                "mount --bind \"$1\" \"$2\" && shift 2 && exec \"$@\"",
                                "sh",
                                shown,
                                cgroup.v2 ? "/sys/fs/cgroup" : "/sys/fs/cgroup/memory",
                                "strace",
                                "-f",
                                "-qq",
                                "-e",
                                "trace=openat",
                                "-o",
                                trace};
  for (const auto &word : probe_argv({"--writable", scratch.path()})) argv.push_back(word);
  auto env = minimal_env();
  env["ASAN_OPTIONS"] = "detect_leaks=0";  // LeakSanitizer cannot run under ptrace (strace)
  TracedRun run{run_in(cgroup.dir, argv, env), ""};
  run.opens = read_file(trace);
  return run;
}

size_t opened(const std::string &opens, const std::string &path) {
  size_t count = 0;
  const std::string quoted = "\"" + path + "\"";
  for (size_t at = opens.find(quoted); at != std::string::npos; at = opens.find(quoted, at + 1))
    ++count;
  return count;
}

}  // namespace

TEST_CASE("in such a container the OOM check knows its cgroup by cgroup.procs: no mount table",
          "[oom][may-skip]") {
  ChildCgroup cgroup(ChildCgroup::Version::Either);
  if (cgroup.dir.empty())
    HEALTHPROBE_SKIP("no child memory cgroup can be made here: " << cgroup.why);
  if (probe_is_emulated()) HEALTHPROBE_SKIP("strace would trace the emulator, not the probe");
  const auto run = traced_run_with_view(cgroup, cgroup.dir);
  INFO(run.result.out << run.result.err << run.opens);
  CHECK(run.result.exit_code == 0);
  CHECK_THAT(
      oom_line(run.result.out),
      Catch::StartsWith("pass") && Catch::Contains("no process in this container was OOM-killed"));
  const std::string top = cgroup.v2 ? "/sys/fs/cgroup" : "/sys/fs/cgroup/memory";
  CHECK(opened(run.opens, top + "/cgroup.procs") == 1);
  // The kernel builds a mount table anew for every read: the keeper reads the cheaper one, and
  // nothing reads mountinfo.
  CHECK(opened(run.opens, "/proc/self/mountstats") == 1);
  CHECK(opened(run.opens, "/proc/self/mountinfo") == 0);
}

TEST_CASE("a container that sees a subtree holding its cgroup: found via mountinfo, read once",
          "[oom][may-skip]") {
  ChildCgroup cgroup(ChildCgroup::Version::Either);
  if (cgroup.dir.empty())
    HEALTHPROBE_SKIP("no child memory cgroup can be made here: " << cgroup.why);
  if (probe_is_emulated()) HEALTHPROBE_SKIP("strace would trace the emulator, not the probe");
  if (cgroup.v2)
    HEALTHPROBE_SKIP("the v2 test cgroup's parent is the hierarchy's root: no subtree to show");
  // The parent shown where the hierarchy's root would be: its cgroup.procs does not list the probe,
  // so only the mount table says where the probe's cgroup is (the parent's root, plus its name).
  const std::string parent = cgroup.dir.substr(0, cgroup.dir.rfind('/'));
  const auto run = traced_run_with_view(cgroup, parent);
  INFO(run.result.out << run.result.err << run.opens);
  CHECK(run.result.exit_code == 0);
  CHECK_THAT(
      oom_line(run.result.out),
      Catch::StartsWith("pass") && Catch::Contains("no process in this container was OOM-killed"));
  CHECK(opened(run.opens, "/proc/self/mountinfo") == 1);
}

TEST_CASE("a container with its own cgroup namespace and mount: the usual place",
          "[oom][may-skip]") {
  ChildCgroup cgroup(ChildCgroup::Version::Either);
  if (cgroup.dir.empty())
    HEALTHPROBE_SKIP("no child memory cgroup can be made here: " << cgroup.why);
  if (probe_is_emulated()) HEALTHPROBE_SKIP("under emulation (see probe_runner.h)");
  // As Docker on cgroup v2 and Kubernetes do: a cgroup namespace rooted at the container's cgroup,
  // the hierarchy mounted afresh inside it, /proc/self/cgroup saying "/".
  reports_the_kill_from(cgroup, {"--cgroup", "--mount"},
                        cgroup.v2 ? "umount /sys/fs/cgroup && mount -t cgroup2 none /sys/fs/cgroup"
                                    " && grep -qx '0::/' /proc/self/cgroup"
                                  : "umount /sys/fs/cgroup/memory && mount -t cgroup -o memory "
                                    "none /sys/fs/cgroup/memory && grep -qx '[0-9]*:memory:/' "
                                    "/proc/self/cgroup");
}

TEST_CASE("no memory cgroup readable: no OOM line, and -v says why", "[oom][may-skip]") {
  if (probe_is_emulated()) HEALTHPROBE_SKIP("under emulation (see probe_runner.h)");
  // A sandbox with /proc but no /sys/fs/cgroup, as a runtime that hides cgroups would give.
  std::vector<std::string> argv{"bwrap",
                                "--ro-bind",
                                "/",
                                "/",
                                "--tmpfs",
                                "/sys",
                                "--dev",
                                "/dev",
                                "--proc",
                                "/proc",
                                "--unshare-pid",
                                "--tmpfs",
                                "/mnt",
                                "--ro-bind",
                                probe_binary(),
                                "/mnt/healthprobe"};
  for (const auto &word : probe_command("/mnt/healthprobe")) argv.push_back(word);
  for (const auto &word : {"--no-http", "--venv", "none", "--writable", "none", "-v"})
    argv.emplace_back(word);
  const auto result = run_process(argv, minimal_env());
  INFO(result.out << result.err);
  if (result.exit_code == 1 && result.err.find("bwrap") != std::string::npos)
    HEALTHPROBE_SKIP("bubblewrap cannot make a sandbox here: " << result.err);
  CHECK(result.exit_code == 0);
  CHECK(oom_line(result.out).empty());
  // mountinfo still lists the hierarchy's mounts, under the sandbox's own /sys.
  CHECK_THAT(result.err, Catch::Contains("memory:oom not checked: cannot read /sys/fs/cgroup") &&
                             Catch::Contains("No such file or directory (ENOENT)") &&
                             Catch::Contains("hidden under a later mount"));
}

TEST_CASE("--no-oom and HEALTHPROBE_OOM=off leave the count out", "[oom]") {
  const auto flag = probe({"--no-http", "--venv", "none", "--writable", "none", "--no-oom"});
  CHECK(flag.exit_code == 0);
  CHECK(oom_line(flag.out).empty());
  auto env = minimal_env();
  env["HEALTHPROBE_OOM"] = "off";
  const auto variable = probe({"--no-http", "--venv", "none", "--writable", "none"}, env);
  CHECK(variable.exit_code == 0);
  CHECK(oom_line(variable.out).empty());
  env["HEALTHPROBE_OOM"] = "no";
  const auto bad = probe({"--no-http"}, env);
  CHECK(bad.exit_code == 64);
  CHECK_THAT(bad.err, Catch::Contains("HEALTHPROBE_OOM='no' must be on or off"));
}
