#pragma once
// Runs the probe binary under test as a real process. HEALTHPROBE_TEST_BIN overrides the binary,
// so the same suite runs against the static release build. HEALTHPROBE_TEST_EMULATOR (a command,
// words split on spaces, e.g. `/usr/bin/qemu-aarch64-static`) runs a probe built for another
// architecture explicitly through that emulator: CI containers often have no binfmt handler.
#include <string>
#include <vector>

#include "process.h"

namespace test_support {

std::string probe_binary();
// Whether the probe under test runs under an emulator (HEALTHPROBE_TEST_EMULATOR: QEMU for a cross
// build). Then a tool wrapped around the probe (strace, prlimit, setpriv, unshare, sh) wraps or
// limits the emulator, not the probe, or cannot start it at all; QEMU does not pass RLIMIT_AS on;
// its own memory is what wait4 measures; and its start-up eats short deadlines. Tests that depend
// on those skip under emulation, with a warning.
bool probe_is_emulated();
// The argv that starts `binary` (by default the probe under test): the emulator's words, then it.
std::vector<std::string> probe_command(const std::string &binary = probe_binary());
// What `--version` must print for the probe under test: "healthprobe VERSION (linux/ARCH)", from
// CMake's project(VERSION) and the architecture CMake targets (HEALTHPROBE_TEST_EXPECTED_VERSION
// overrides it for a probe cross-built for another architecture).
std::string expected_version_line();
std::string python3();              // the interpreter that makes the test venvs
std::string standin_webhook_dir();  // docker/standin

// The words that run a command as user nobody (uid 65534) when the tests run as root: setpriv.
std::vector<std::string> as_nobody();
// Whether user nobody can do what the tests that drop to nobody need: start the probe under test
// (the emulator too) and reach the tests' dirs under /tmp. A real run as nobody checking a dir
// it may write must come out healthy. Not where the checkout or / is closed to others (a root or
// a home made with `mktemp -d` is mode 0700). Tests that drop to nobody skip then, with the
// reason. Asked once per run.
bool nobody_can_run_probe();

// The words that run a command where the mount table holds a FUSE filesystem (a bindfs mount at
// DIR/mnt, in private mount and PID namespaces: support/with_fuse_mount.sh), as a container with a
// network or FUSE volume has. hung: its daemon is stopped first, so every call on DIR/mnt waits in
// the kernel like one on a network mount whose server stopped answering.
std::vector<std::string> with_fuse_mount(const std::string &dir, bool hung = false);
// Why no such mount can be made here (not root, no bindfs, no /dev/fuse, no namespaces), or ""
// when one can: tried for real, once per run.
std::string fuse_mount_unavailable();

// Runs the probe with args and env (nothing else inherited), killed if it outlives 30 s.
ProcessResult probe(const std::vector<std::string> &args, const EnvMap &env = minimal_env());

// A run of the probe with its own peak resident memory, measured through a tiny launcher
// (peak_rss_launcher.cpp says why the test process cannot measure it itself).
struct MeasuredRun {
  ProcessResult result;
  long peak_rss_kib = -1;
};
MeasuredRun probe_measured(const std::vector<std::string> &args, const EnvMap &env = minimal_env());

// The first line of a report: the verdict.
std::string first_line(const std::string &text);
// The text report's line for one check key ("pass  KEY  ..."), or "" if it has none.
std::string line_of(const std::string &report, const std::string &key);

}  // namespace test_support
