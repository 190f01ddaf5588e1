#include "healthprobe/parsing/pyvenv_cfg.h"

#include "healthprobe/core/text.h"

namespace healthprobe {

std::string PyvenvCfg::major_minor() const {
  const auto first = version.find('.');
  if (first == std::string::npos || first == 0) return "";
  auto second = version.find('.', first + 1);
  if (second == std::string::npos) second = version.size();
  if (second == first + 1) return "";
  for (size_t i = 0; i < second; ++i) {
    if (i != first && (version[i] < '0' || version[i] > '9')) return "";
  }
  return version.substr(0, second);
}

std::optional<PyvenvCfg> parse_pyvenv_cfg(std::string_view text, PyvenvCfgError &error) {
  PyvenvCfg cfg;
  std::string version_info;
  for (auto line : split(text, '\n')) {
    const auto equals = line.find('=');
    if (equals == std::string_view::npos) continue;
    const std::string key = to_lower(trim(line.substr(0, equals)));
    const std::string value(trim(line.substr(equals + 1)));
    if (key == "home") {
      cfg.home = value;
    } else if (key == "version") {
      cfg.version = value;
    } else if (key == "version_info") {
      version_info = value;
    }
  }
  if (cfg.version.empty()) cfg.version = version_info;
  if (cfg.home.empty()) {
    error.message = "has no 'home' key (the directory of the interpreter the venv was made from)";
    return std::nullopt;
  }
  if (cfg.version.empty()) {
    error.message = "has no 'version' or 'version_info' key";
    return std::nullopt;
  }
  if (cfg.major_minor().empty()) {
    error.message = "has a version that is not X.Y[.Z]: '" + printable(cfg.version, 40) + "'";
    return std::nullopt;
  }
  return cfg;
}

}  // namespace healthprobe
