#include "venv.h"

#include <stdexcept>

#include "probe_runner.h"
#include "temp_dir.h"

namespace test_support {

void make_venv(const std::string &path, bool with_pip) {
  std::vector<std::string> argv{python3(), "-m", "venv"};
  if (!with_pip) argv.push_back("--without-pip");
  argv.push_back(path);
  const auto result = run_process(argv, minimal_env(), std::chrono::seconds(120));
  if (result.exit_code != 0) throw std::runtime_error("python3 -m venv failed: " + result.err);
}

std::string venv_python_version(const std::string &venv) {
  const std::string cfg = read_file(venv + "/pyvenv.cfg");
  const auto key = cfg.find("version = ");
  if (key == std::string::npos) throw std::runtime_error("no version in pyvenv.cfg");
  const std::string version = cfg.substr(key + 10, cfg.find('\n', key) - key - 10);
  return version.substr(0, version.find('.', version.find('.') + 1));
}

}  // namespace test_support
