#pragma once
// Parses a venv's pyvenv.cfg ("key = value" lines, as written by `python -m venv` and uv).
#include <optional>
#include <string>
#include <string_view>

namespace healthprobe {

struct PyvenvCfg {
  std::string home;     // directory of the interpreter the venv was made from
  std::string version;  // "3.11.2": `version` (venv) or `version_info` (uv, virtualenv)
  // "3.11" from version, for lib/python3.11/site-packages; empty when version is not X.Y[.Z].
  std::string major_minor() const;
};

struct PyvenvCfgError {
  std::string message;
};

// Keys are case-insensitive, as in CPython's site.py; lines without '=' are ignored as there.
std::optional<PyvenvCfg> parse_pyvenv_cfg(std::string_view text, PyvenvCfgError &error);

}  // namespace healthprobe
