// The venv check against real venvs from `python3 -m venv`, then broken on purpose the ways
// multi-stage images break them.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>

#include "probe_runner.h"
#include "temp_dir.h"
#include "venv.h"

using namespace test_support;

namespace {
// One real venv (with pip: a real distribution in site-packages) per test binary run; each test
// works on its own copy.
const std::string &pristine_venv() {
  static TempDir dir;
  static const std::string venv = [] {
    const std::string path = dir / "venv";
    make_venv(path, true);
    return path;
  }();
  return venv;
}

std::string copy_venv(const TempDir &into) {
  const std::string copy = into / "venv";
  const auto result = run_process({"cp", "-a", pristine_venv(), copy}, minimal_env());
  REQUIRE(result.exit_code == 0);
  return copy;
}

// Rewrites one "key = value" line of the venv's pyvenv.cfg.
void set_cfg_value(const std::string &venv, const std::string &key, const std::string &value) {
  std::string cfg = read_file(venv + "/pyvenv.cfg");
  const auto line = cfg.find(key + " = ");
  REQUIRE(line != std::string::npos);
  cfg.replace(line, cfg.find('\n', line) - line, key + " = " + value);
  write_file(venv + "/pyvenv.cfg", cfg);
}

ProcessResult probe_venv(const std::string &venv, std::vector<std::string> extra = {}) {
  std::vector<std::string> args{"--no-http", "--writable", "none", "--venv", venv};
  args.insert(args.end(), extra.begin(), extra.end());
  return probe(args);
}
}  // namespace

TEST_CASE("a real venv passes, with its interpreter and version reported", "[venv]") {
  TempDir dir;
  const auto venv = copy_venv(dir);
  const auto result = probe_venv(venv);
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::Contains("pass  venv:python") &&
                             Catch::Contains("Python " + venv_python_version(venv)));
}

TEST_CASE("required distributions: present (PEP 503 names) pass, missing fail by name", "[venv]") {
  TempDir dir;
  const auto venv = copy_venv(dir);
  CHECK(probe_venv(venv, {"--require", "pip,PIP"}).exit_code == 0);
  const auto missing = probe_venv(venv, {"--require", "pip,gunicorn,Flask_Cors"});
  CHECK(missing.exit_code == 1);
  CHECK_THAT(missing.out, Catch::Contains("fail  venv:packages") &&
                              Catch::Contains("gunicorn, Flask_Cors") &&
                              Catch::Contains("site-packages"));
}

TEST_CASE("VIRTUAL_ENV is the default venv; HEALTHPROBE_VENV=none turns the check off", "[venv]") {
  TempDir dir;
  auto env = minimal_env();
  env["VIRTUAL_ENV"] = dir / "no-such-venv";
  const auto by_default = probe({"--no-http", "--writable", "none"}, env);
  CHECK(by_default.exit_code == 1);
  CHECK_THAT(by_default.out, Catch::Contains("no-such-venv is not a directory"));
  env["HEALTHPROBE_VENV"] = "none";
  CHECK(probe({"--no-http", "--writable", "none"}, env).exit_code == 0);
}

TEST_CASE("a dangling bin/python (interpreter only in the builder) fails and says so", "[venv]") {
  TempDir dir;
  const auto venv = copy_venv(dir);
  // The classic multi-stage bug: the venv was made against an interpreter path the runtime lacks.
  for (const char *name : {"python", "python3"}) {
    const std::string link = venv + "/bin/" + name;
    std::remove(link.c_str());
    REQUIRE(symlink("/opt/builder-only/bin/python3.11", link.c_str()) == 0);
  }
  const auto result = probe_venv(venv);
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.out,
             Catch::Contains("-> /opt/builder-only/bin/python3.11") && Catch::Contains("dangling"));
}

TEST_CASE("a missing pyvenv.cfg fails with its path", "[venv]") {
  TempDir dir;
  const auto venv = copy_venv(dir);
  std::remove((venv + "/pyvenv.cfg").c_str());
  const auto result = probe_venv(venv);
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.out, Catch::Contains(venv + "/pyvenv.cfg") && Catch::Contains("No such file"));
}

TEST_CASE("a pyvenv.cfg home that does not exist fails", "[venv]") {
  TempDir dir;
  const auto venv = copy_venv(dir);
  set_cfg_value(venv, "home", "/opt/builder-only/bin");
  const auto result = probe_venv(venv);
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.out, Catch::Contains("home /opt/builder-only/bin does not exist"));
}

TEST_CASE("site-packages for another Python version fails and lists what is there", "[venv]") {
  TempDir dir;
  const auto venv = copy_venv(dir);
  const std::string version = venv_python_version(venv);
  REQUIRE(std::rename((venv + "/lib/python" + version).c_str(),
                      (venv + "/lib/python3.99").c_str()) == 0);
  const auto result = probe_venv(venv);
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.out,
             Catch::Contains("expected " + venv + "/lib/python" + version + "/site-packages") &&
                 Catch::Contains("lib/ holds: python3.99"));
}

TEST_CASE("an interpreter named for another version than pyvenv.cfg says fails", "[venv]") {
  TempDir dir;
  const auto venv = copy_venv(dir);
  // The runtime's interpreter is python3.99 while the venv was built for the cfg's version.
  const std::string other = dir / "python3.99";
  REQUIRE(run_process({"cp", "/bin/true", other}, minimal_env()).exit_code == 0);
  for (const char *name : {"python", "python3"}) {
    const std::string link = venv + "/bin/" + name;
    std::remove(link.c_str());
    REQUIRE(symlink(other.c_str(), link.c_str()) == 0);
  }
  const auto result = probe_venv(venv);
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.out, Catch::Contains("resolves to " + other) &&
                             Catch::Contains("the venv was built for another Python"));
}
