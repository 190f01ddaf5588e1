#include "probe_runner.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <sstream>

#include "temp_dir.h"

namespace test_support {

std::string probe_binary() {
  const char *override_path = std::getenv("HEALTHPROBE_TEST_BIN");
  return override_path != nullptr && *override_path != '\0' ? override_path
                                                            : HEALTHPROBE_TEST_DEFAULT_BIN;
}

bool probe_is_emulated() {
  const char *emulator = std::getenv("HEALTHPROBE_TEST_EMULATOR");
  return emulator != nullptr && *emulator != '\0';
}

std::vector<std::string> probe_command(const std::string &binary) {
  std::vector<std::string> argv;
  const char *emulator = std::getenv("HEALTHPROBE_TEST_EMULATOR");
  std::istringstream words(emulator != nullptr ? emulator : "");
  for (std::string word; words >> word;) argv.push_back(word);
  argv.push_back(binary);
  return argv;
}

std::string expected_version_line() {
  const char *override_line = std::getenv("HEALTHPROBE_TEST_EXPECTED_VERSION");
  return override_line != nullptr && *override_line != '\0' ? override_line
                                                            : HEALTHPROBE_TEST_DEFAULT_VERSION;
}

std::string python3() {
  return HEALTHPROBE_TEST_PYTHON3;
}

std::string standin_webhook_dir() {
  return HEALTHPROBE_TEST_STANDIN_DIR;
}

std::vector<std::string> as_nobody() {
  return {"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"};
}

bool nobody_can_run_probe() {
  static const bool can = [] {
    // The tests' own dirs live under /tmp: nobody must reach one as well as start the probe, which
    // a root dir closed to others can allow the one and deny the other (an exec found relative to
    // the working directory, a dir found from /).
    TempDir dir;
    ::chmod(dir.path().c_str(), 0777);
    auto argv = as_nobody();
    const auto command = probe_command();
    argv.insert(argv.end(), command.begin(), command.end());
    argv.insert(argv.end(), {"--no-http", "--venv", "none", "--no-oom", "--writable", dir.path()});
    const auto result = run_process(argv, minimal_env());
    return result.exit_code == 0 && result.out.rfind("healthy: ", 0) == 0;
  }();
  return can;
}

std::vector<std::string> with_fuse_mount(const std::string &dir, bool hung) {
  std::vector<std::string> argv{
      "sh", std::string(HEALTHPROBE_TEST_SOURCE_DIR) + "/support/with_fuse_mount.sh"};
  if (hung) argv.emplace_back("--hung");
  argv.insert(argv.end(), {dir, "--"});
  return argv;
}

std::string fuse_mount_unavailable() {
  static const std::string why = [] {
    if (geteuid() != 0) return std::string("needs root for the mount and PID namespaces");
    TempDir dir;
    auto argv = with_fuse_mount(dir.path());
    argv.insert(argv.end(), {"sh", "-c", "grep -q ' - fuse' /proc/self/mountinfo"});
    const auto result = run_process(argv, minimal_env());
    if (result.exit_code == 0) return std::string();
    return "no FUSE mount can be made here (bindfs, /dev/fuse and namespaces are needed): " +
           result.err.substr(0, 200);
  }();
  return why;
}

ProcessResult probe(const std::vector<std::string> &args, const EnvMap &env) {
  std::vector<std::string> argv = probe_command();
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv, env);
}

MeasuredRun probe_measured(const std::vector<std::string> &args, const EnvMap &env) {
  TempDir dir;
  const std::string rss_file = dir / "peak-rss";
  std::vector<std::string> argv{HEALTHPROBE_TEST_RSS_LAUNCHER, rss_file};
  const auto command = probe_command();  // under emulation, the figure is QEMU's: see the header
  argv.insert(argv.end(), command.begin(), command.end());
  argv.insert(argv.end(), args.begin(), args.end());
  MeasuredRun run{run_process(argv, env)};
  const std::string text = read_file(rss_file);
  if (!text.empty()) run.peak_rss_kib = std::stol(text);
  return run;
}

std::string first_line(const std::string &text) {
  return text.substr(0, text.find('\n'));
}

std::string line_of(const std::string &report, const std::string &key) {
  std::istringstream lines(report);
  for (std::string line; std::getline(lines, line);) {
    if (line.size() > 6 && line.compare(6, key.size() + 1, key + " ") == 0) return line;
  }
  return "";
}

}  // namespace test_support
