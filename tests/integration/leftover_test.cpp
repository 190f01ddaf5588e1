// Nothing left behind: the writability probe's file disappears however the run
// ends. strace holds the probe inside the write of its file (a real, blocked system call) while
// the test kills it, signals it, or lets the watchdog give up; where O_TMPFILE is unsupported the
// test makes the kernel's EOPNOTSUPP happen for real with strace's fault injection.
#include <catch2/catch.hpp>

#include <signal.h>

#include <cstring>

#include "probe_runner.h"
#include "skip.h"
#include "temp_dir.h"
#include "traced_probe.h"

using namespace test_support;
using std::chrono::milliseconds;

namespace {
std::vector<std::string> writable_only(const std::string &dir, const std::string &timeout) {
  return {"--no-http", "--venv", "none", "--writable", dir, "--timeout", timeout};
}

// strace arguments: fail the O_TMPFILE open with EOPNOTSUPP (as on a filesystem without it) and
// hold the byte written to the named fallback file for `delay_us`. The calls are counted in the
// wrapper the probe will run in.
std::vector<std::string> without_tmpfile_and_slow_write(
    const std::string &dir, const std::string &delay_us,
    const std::vector<std::string> &wrapper = {}) {
  const int tmpfile_open = nth_call("openat", "O_TMPFILE", writable_only(dir, "10s"), wrapper);
  REQUIRE(tmpfile_open > 0);  // the probe tries O_TMPFILE first
  // The byte write is the same call number with or without O_TMPFILE.
  const int byte_write = nth_call("write", "\"\\0\", 1)", writable_only(dir, "10s"), wrapper);
  REQUIRE(byte_write > 0);
  INFO("O_TMPFILE open is openat #" << tmpfile_open << ", the byte is write #" << byte_write);
  return {"-e", "trace=openat,write",
          "-e", "inject=openat:error=EOPNOTSUPP:when=" + std::to_string(tmpfile_open),
          "-e", "inject=write:delay_enter=" + delay_us + ":when=" + std::to_string(byte_write)};
}
}  // namespace

TEST_CASE("the writability probe's file has no name: SIGKILL mid-check leaves nothing",
          "[leftover][may-skip]") {
  if (probe_is_emulated()) HEALTHPROBE_SKIP("under emulation (see traced_probe.h)");
  TempDir dir;
  const int byte_write = nth_call("write", "\"\\0\", 1)", writable_only(dir.path(), "10s"));
  REQUIRE(byte_write > 0);
  TracedProbe probe({"-e", "trace=write", "-e",
                     "inject=write:delay_enter=5000000:when=" + std::to_string(byte_write)},
                    writable_only(dir.path(), "10s"));
  REQUIRE(probe.holds_file_under(dir.path(), milliseconds(5000)));  // the file is open, mid-write
  CHECK(list_names(dir.path()).empty());
  REQUIRE(kill(probe.probe_pid(), SIGKILL) == 0);
  const auto result = probe.wait_exit(milliseconds(10000));
  CHECK(list_names(dir.path()).empty());
}

TEST_CASE("without O_TMPFILE, SIGTERM mid-check removes the named file", "[leftover][may-skip]") {
  if (probe_is_emulated()) HEALTHPROBE_SKIP("under emulation (see traced_probe.h)");
  TempDir dir;
  TracedProbe probe(without_tmpfile_and_slow_write(dir.path(), "2000000"),
                    writable_only(dir.path(), "10s"));
  REQUIRE(probe.holds_file_under(dir.path(), milliseconds(5000)));
  // The fallback really is a named file (so this test would see one left behind).
  CHECK_THAT(list_names(dir.path()), Catch::StartsWith(".healthprobe-"));
  REQUIRE(kill(probe.probe_pid(), SIGTERM) == 0);
  const auto result = probe.wait_exit(milliseconds(10000));
  CHECK_FALSE(result.killed_by_test);
  CHECK(list_names(dir.path()).empty());
}

TEST_CASE("without O_TMPFILE, every signal that ends the probe removes the named file",
          "[leftover][may-skip]") {
  if (probe_is_emulated()) HEALTHPROBE_SKIP("under emulation (see traced_probe.h)");
  TempDir dir;
  const auto strace_args = without_tmpfile_and_slow_write(dir.path(), "2000000");
  // A `docker exec -it` terminal closing (SIGHUP), a CPU limit (SIGXCPU), a stray timer or user
  // signal: each ends the probe by default, like SIGTERM. (SIGQUIT and SIGABRT are handled the
  // same way, but would dump core here.)
  for (const int signal_number :
       {SIGHUP, SIGUSR1, SIGUSR2, SIGALRM, SIGXCPU, SIGVTALRM, SIGPROF, SIGIO, SIGRTMIN + 1}) {
    INFO("signal " << signal_number << " (" << strsignal(signal_number) << ")");
    TracedProbe probe(strace_args, writable_only(dir.path(), "10s"));
    REQUIRE(probe.holds_file_under(dir.path(), milliseconds(5000)));
    CHECK_THAT(list_names(dir.path()), Catch::StartsWith(".healthprobe-"));
    REQUIRE(kill(probe.probe_pid(), signal_number) == 0);
    const auto result = probe.wait_exit(milliseconds(10000));
    CHECK_FALSE(result.killed_by_test);
    CHECK(list_names(dir.path()).empty());
  }
}

TEST_CASE("without O_TMPFILE, the watchdog's give-up removes the named file and says why",
          "[leftover][may-skip]") {
  if (probe_is_emulated()) HEALTHPROBE_SKIP("under emulation (see traced_probe.h)");
  // A write held in the kernel is what only the watchdog thread can give up on, and a run takes
  // the thread where its mount table holds a filesystem that can hang: here a FUSE mount.
  if (const std::string why = fuse_mount_unavailable(); !why.empty()) HEALTHPROBE_SKIP(why);
  TempDir dir;
  TempDir fuse;
  const auto wrapper = with_fuse_mount(fuse.path());
  TracedProbe probe(without_tmpfile_and_slow_write(dir.path(), "4000000", wrapper),
                    writable_only(dir.path(), "300ms"), wrapper);
  REQUIRE(probe.holds_file_under(dir.path(), milliseconds(5000)));
  const auto started = std::chrono::steady_clock::now();
  // The give-up comes 100 ms after the deadline, long before the 4 s write returns.
  const std::string verdict = probe.read_line(milliseconds(3000));
  CHECK(std::chrono::steady_clock::now() - started < milliseconds(1800));
  CHECK(verdict ==
        "unhealthy: the 300ms deadline passed with the filesystem check stuck in a "
        "system call");
  CHECK(list_names(dir.path()).empty());
  const auto result = probe.wait_exit(milliseconds(10000));
  CHECK(result.exit_code == 1);
  CHECK(list_names(dir.path()).empty());
}
