// The filesystem check against real directories: read-only mounts (unshare), directories the
// probe's user cannot write (setpriv to nobody when the tests run as root), a read-only root
// (bubblewrap, the stand-in for `docker run --read-only`), and uv's cache.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include "probe_runner.h"
#include "skip.h"
#include "temp_dir.h"

using namespace test_support;

namespace {
bool running_as_root() {
  return geteuid() == 0;
}

// The probe, in a private mount namespace where `dir` is an empty read-only tmpfs.
ProcessResult probe_with_read_only(const std::string &dir, const std::vector<std::string> &args) {
  std::vector<std::string> argv{
      "unshare", "--mount", "--map-root-user",
      "sh",      "-c",      "mount -t tmpfs -o ro tmpfs \"$1\" && shift && exec \"$@\"",
      "sh",      dir};
  const auto command = probe_command();
  argv.insert(argv.end(), command.begin(), command.end());
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv, minimal_env());
}

// The probe as an unprivileged user (root writes anywhere, so tests as root drop to nobody).
ProcessResult probe_unprivileged(const std::vector<std::string> &args) {
  std::vector<std::string> argv;
  if (running_as_root()) argv = as_nobody();
  const auto command = probe_command();
  argv.insert(argv.end(), command.begin(), command.end());
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv, minimal_env());
}
}  // namespace

TEST_CASE("a writable directory passes and the probe leaves nothing in it", "[filesystem]") {
  TempDir dir;
  write_file(dir / "app.log", "x");
  const std::string before = list_names(dir.path());
  for (int i = 0; i < 20; ++i) {
    const auto result = probe({"--no-http", "--writable", dir.path()});
    REQUIRE(result.exit_code == 0);
  }
  CHECK(list_names(dir.path()) == before);
  const auto result = probe({"--no-http", "--writable", dir.path()});
  CHECK_THAT(result.out, Catch::Contains("pass  filesystem:" + dir.path()) &&
                             Catch::Contains("writable,") && Catch::Contains("free"));
}

TEST_CASE("a missing directory fails with the errno", "[filesystem]") {
  TempDir dir;
  const auto result = probe({"--no-http", "--writable", dir / "nope"});
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.out,
             Catch::Contains("cannot be opened as a directory") && Catch::Contains("ENOENT"));
}

TEST_CASE("a read-only mount fails with EROFS and a fix", "[filesystem]") {
  TempDir dir;
  const auto result = probe_with_read_only(dir.path(), {"--no-http", "--writable", dir.path()});
  INFO(result.err);
  REQUIRE(result.exit_code != 127);
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.out,
             Catch::Contains("Read-only file system (EROFS)") && Catch::Contains("--tmpfs"));
}

TEST_CASE("a directory the probe's user cannot write fails with EACCES", "[filesystem][may-skip]") {
  if (running_as_root() && !nobody_can_run_probe())
    HEALTHPROBE_SKIP("user nobody cannot start the probe here (see nobody_can_run_probe)");
  TempDir dir;
  const std::string locked = dir / "locked";
  REQUIRE(mkdir(locked.c_str(), running_as_root() ? 0755 : 0555) == 0);
  chmod(dir.path().c_str(), 0755);  // nobody may enter the temp dir, not write the locked one
  const auto result = probe_unprivileged({"--no-http", "--writable", locked});
  INFO(result.err);
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.out, Catch::Contains("Permission denied (EACCES)") &&
                             Catch::Contains("not writable for uid"));
  CHECK(list_names(locked).empty());
}

TEST_CASE("--min-free fails a directory with less room than asked", "[filesystem]") {
  TempDir dir;
  CHECK(probe({"--no-http", "--writable", dir.path(), "--min-free", "1KiB"}).exit_code == 0);
  const auto result = probe({"--no-http", "--writable", dir.path(), "--min-free", "1000000GiB"});
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.out, Catch::Contains("below the required"));
}

TEST_CASE("under a read-only root with a tmpfs /tmp, like docker run --read-only --tmpfs /tmp",
          "[filesystem]") {
  TempDir tools;
  const std::string fake_uv_dir = tools / "bin";
  REQUIRE(mkdir(fake_uv_dir.c_str(), 0755) == 0);
  REQUIRE(run_process({"cp", "/bin/true", fake_uv_dir + "/uv"}, minimal_env()).exit_code == 0);
  chmod(tools.path().c_str(), 0755);
  auto sandbox = [&](const std::vector<std::string> &args, bool with_uv) {
    std::vector<std::string> argv{"bwrap",         "--ro-bind", "/",    "/",      "--tmpfs",
                                  "/tmp",          "--dev",     "/dev", "--proc", "/proc",
                                  "--unshare-all", "--uid",     "1000", "--gid",  "1000"};
    // The probe may live under /tmp (a CI clone), which the sandbox's own tmpfs hides: bind it,
    // and the fake uv, into a tmpfs on /mnt (mount points must exist under the read-only root).
    argv.insert(argv.end(), {"--tmpfs", "/mnt", "--ro-bind", probe_binary(), "/mnt/healthprobe"});
    if (with_uv) argv.insert(argv.end(), {"--ro-bind", fake_uv_dir, "/mnt/uvbin"});
    argv.insert(argv.end(), {"--setenv", "HOME", "/home/appuser", "--setenv", "PATH",
                             with_uv ? "/mnt/uvbin:/usr/bin:/bin" : "/usr/bin:/bin"});
    const auto command = probe_command("/mnt/healthprobe");
    argv.insert(argv.end(), command.begin(), command.end());
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv, minimal_env());
  };
  const auto ok = sandbox({"--no-http"}, false);
  INFO(ok.err);
  REQUIRE(ok.exit_code != 127);
  CHECK(ok.exit_code == 0);
  CHECK_THAT(ok.out, Catch::Contains("pass  filesystem:/tmp") &&
                         Catch::Contains("root filesystem is read-only"));

  const auto two = sandbox({"--no-http", "--writable", "/tmp", "--writable", "/var"}, false);
  CHECK(two.exit_code == 1);
  CHECK_THAT(two.out, Catch::Contains("cannot create a file in /var"));

  const auto uv = sandbox({"--no-http"}, true);
  CHECK(uv.exit_code == 0);
  CHECK_THAT(first_line(uv.out), Catch::StartsWith("degraded: filesystem:uv-cache"));
  CHECK_THAT(uv.out, Catch::Contains("/home/appuser/.cache/uv is not writable") &&
                         Catch::Contains("uv run"));
}

TEST_CASE("under a file size limit the one-byte write is a reported failure, not SIGXFSZ",
          "[filesystem][may-skip]") {
  if (probe_is_emulated()) HEALTHPROBE_SKIP("under emulation (prlimit would limit the emulator)");
  TempDir dir;
  // RLIMIT_FSIZE 0 (ulimit -f 0): a limit containers and systemd units set; past it, write(2)
  // raises SIGXFSZ, whose default action kills the process with no report.
  std::vector<std::string> argv{"prlimit", "--fsize=0", "--"};
  const auto command = probe_command();
  argv.insert(argv.end(), command.begin(), command.end());
  argv.insert(argv.end(), {"--no-http", "--writable", dir.path()});
  const auto result = run_process(argv, minimal_env());
  INFO(result.out << result.err);
  CHECK(result.signal == 0);
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.out, Catch::Contains("cannot create a file in " + dir.path()) &&
                             Catch::Contains("File too large (EFBIG)") &&
                             Catch::Contains("file size limit"));
  CHECK(list_names(dir.path()).empty());
}

TEST_CASE("a kernel interface such as /proc or /sys is named as what it is, not ENOENT",
          "[filesystem]") {
  for (const std::string dir : {"/proc", "/sys"}) {
    const auto result = probe({"--no-http", "--writable", dir});
    INFO(result.out);
    CHECK(result.exit_code == 1);
    CHECK_THAT(result.out, Catch::Contains("cannot create a file in " + dir + ": it is " +
                                           (dir == "/proc" ? "procfs" : "sysfs") +
                                           ", a kernel interface, not storage") &&
                               !Catch::Contains("ENOENT") && !Catch::Contains("EACCES"));
  }
}
