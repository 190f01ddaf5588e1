#include <catch2/catch.hpp>

#include "healthprobe/parsing/pyvenv_cfg.h"

using healthprobe::parse_pyvenv_cfg;
using healthprobe::PyvenvCfgError;

TEST_CASE("pyvenv.cfg as python -m venv writes it", "[pyvenv]") {
  PyvenvCfgError error;
  const auto cfg = parse_pyvenv_cfg(
      "home = /usr/bin\ninclude-system-site-packages = false\nversion = 3.11.2\n"
      "executable = /usr/bin/python3.11\ncommand = /usr/bin/python3 -m venv /app/.venv\n",
      error);
  REQUIRE(cfg);
  CHECK(cfg->home == "/usr/bin");
  CHECK(cfg->version == "3.11.2");
  CHECK(cfg->major_minor() == "3.11");
}

TEST_CASE("pyvenv.cfg as uv writes it (version_info, mixed case keys)", "[pyvenv]") {
  PyvenvCfgError error;
  const auto cfg = parse_pyvenv_cfg(
      "Home = /usr/bin\r\nimplementation = CPython\nuv = 0.9.18\n"
      "version_info = 3.12.7\ninclude-system-site-packages = false\n",
      error);
  REQUIRE(cfg);
  CHECK(cfg->home == "/usr/bin");
  CHECK(cfg->major_minor() == "3.12");
}

TEST_CASE("pyvenv.cfg without home or version is refused with the reason", "[pyvenv]") {
  PyvenvCfgError error;
  CHECK_FALSE(parse_pyvenv_cfg("version = 3.11.2\n", error));
  CHECK_THAT(error.message, Catch::Contains("home"));
  CHECK_FALSE(parse_pyvenv_cfg("home = /usr/bin\n", error));
  CHECK_THAT(error.message, Catch::Contains("version"));
  CHECK_FALSE(parse_pyvenv_cfg("home = /usr/bin\nversion = three\n", error));
  CHECK_THAT(error.message, Catch::Contains("X.Y"));
  CHECK_FALSE(parse_pyvenv_cfg("", error));
}
