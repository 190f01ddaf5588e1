// The venv check against real venvs from `python3 -m venv`, then broken on purpose the ways
// multi-stage images break them.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>

#include "huge_directory.h"
#include "probe_runner.h"
#include "skip.h"
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

TEST_CASE("a free-threaded venv (python3.Xt, lib/python3.Xt) verifies like any other", "[venv]") {
  TempDir dir;
  const auto venv = copy_venv(dir);
  const std::string version = venv_python_version(venv);
  const std::string full_version = [&venv] {
    const std::string cfg = read_file(venv + "/pyvenv.cfg");
    const auto key = cfg.find("version = ") + 10;
    return cfg.substr(key, cfg.find('\n', key) - key);
  }();
  // The base install of a free-threaded build: the real interpreter, named python3.Xt.
  const std::string base = dir / "base";
  const std::string interpreter = base + "/python" + version + "t";
  REQUIRE(mkdir(base.c_str(), 0755) == 0);
  const auto real = run_process({"readlink", "-f", venv + "/bin/python"}, minimal_env());
  REQUIRE(run_process({"cp", first_line(real.out), interpreter}, minimal_env()).exit_code == 0);
  // bin/ and lib/ as CPython 3.13t's venv lays them out: python3.Xt links to the base
  // interpreter, python and python3 to python3.Xt, site-packages under lib/python3.Xt.
  for (const char *name : {"python", "python3"}) std::remove((venv + "/bin/" + name).c_str());
  std::remove((venv + "/bin/python" + version).c_str());
  const std::string versioned = "python" + version + "t";
  REQUIRE(symlink(interpreter.c_str(), (venv + "/bin/" + versioned).c_str()) == 0);
  for (const char *name : {"python", "python3"})
    REQUIRE(symlink(versioned.c_str(), (venv + "/bin/" + name).c_str()) == 0);
  REQUIRE(std::rename((venv + "/lib/python" + version).c_str(),
                      (venv + "/lib/python" + version + "t").c_str()) == 0);
  write_file(venv + "/pyvenv.cfg", "home = " + base +
                                       "\ninclude-system-site-packages = false\nversion = " +
                                       full_version + "\nexecutable = " + interpreter +
                                       "\ncommand = " + interpreter + " -m venv " + venv + "\n");

  const auto result = probe_venv(venv, {"--require", "pip"});
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::Contains("pass  venv:python") &&
                             Catch::Contains("at " + interpreter) &&
                             Catch::Contains("pass  venv:packages"));

  // An interpreter whose name says no version: the free-threaded lib/ dir that exists decides.
  const std::string unversioned = base + "/python3";
  REQUIRE(std::rename(interpreter.c_str(), unversioned.c_str()) == 0);
  std::remove((venv + "/bin/" + versioned).c_str());
  REQUIRE(symlink(unversioned.c_str(), (venv + "/bin/" + versioned).c_str()) == 0);
  const auto by_lib = probe_venv(venv, {"--require", "pip"});
  CHECK(by_lib.exit_code == 0);
  CHECK_THAT(by_lib.out, Catch::Contains("pass  venv:packages"));
}

TEST_CASE("a site-packages of 200000 entries is listed only until the deadline", "[venv]") {
  TempDir dir;
  const auto venv = copy_venv(dir);
  const HugeDirectory huge(200000, [](int i) { return "module_" + std::to_string(i) + ".py"; });
  const std::string site_packages =
      venv + "/lib/python" + venv_python_version(venv) + "/site-packages";
  REQUIRE(run_process({"rm", "-rf", site_packages}, minimal_env()).exit_code == 0);
  REQUIRE(symlink(huge.path().c_str(), site_packages.c_str()) == 0);
  // The deadline must fall while the listing runs: after the check starts (a loaded machine
  // may take a few ms to get there) and before 200,000 entries are read. The shortest deadline
  // at which the check started is the one judged.
  for (const int ms : {25, 50, 100, 200, 400}) {
    const auto result =
        probe_venv(venv, {"--require", "gunicorn", "--timeout", std::to_string(ms) + "ms"});
    if (result.out.find("venv:python not run") != std::string::npos) continue;
    INFO(result.out);
    CHECK(result.exit_code == 1);
    CHECK(result.elapsed < std::chrono::milliseconds(ms + 1500));
    CHECK_THAT(result.out,
               Catch::Contains("fail  venv:packages") &&
                   Catch::Contains(std::to_string(ms) + "ms deadline passed while listing " +
                                   site_packages) &&
                   Catch::Contains("not found by then: gunicorn"));
    return;
  }
  FAIL("the venv check never started, even with a 400ms deadline");
}

TEST_CASE("a site-packages of 200000 distributions is listed in flat memory", "[venv][may-skip]") {
  if (probe_is_emulated()) HEALTHPROBE_SKIP("under emulation (wait4 would measure QEMU)");
  TempDir dir;
  const auto venv = copy_venv(dir);
  const std::string site_packages =
      venv + "/lib/python" + venv_python_version(venv) + "/site-packages";
  const auto baseline =
      probe_measured({"--no-http", "--writable", "none", "--venv", venv, "--require", "gunicorn"});
  REQUIRE(baseline.peak_rss_kib > 0);
  const HugeDirectory huge(200000, [](int i) {
    return "a_distribution_named_" + std::to_string(i) + "-1.0.0.dist-info";
  });
  REQUIRE(run_process({"rm", "-rf", site_packages}, minimal_env()).exit_code == 0);
  REQUIRE(symlink(huge.path().c_str(), site_packages.c_str()) == 0);
  // Time to read all of it: the report then counts every distribution it saw.
  const auto run = probe_measured({"--no-http", "--writable", "none", "--venv", venv, "--require",
                                   "gunicorn", "--timeout", "30s"});
  INFO(run.result.out);
  CHECK(run.result.exit_code == 1);
  CHECK_THAT(run.result.out, Catch::Contains("missing from " + site_packages + ": gunicorn") &&
                                 Catch::Contains("200000 distributions installed"));
  INFO("peak RSS " << run.peak_rss_kib << " KiB, baseline " << baseline.peak_rss_kib << " KiB");
#ifdef HEALTHPROBE_TEST_SANITIZED
  constexpr long kGrowthKib = 16 * 1024;  // ASan keeps freed memory in quarantine
#else
  constexpr long kGrowthKib = 1024;
#endif
  CHECK(run.peak_rss_kib <= baseline.peak_rss_kib + kGrowthKib);
}

TEST_CASE("a pyvenv.cfg over 64 KiB is named as such, not read in part", "[venv]") {
  TempDir dir;
  const auto venv = copy_venv(dir);
  // The keys the probe needs come last, past the 64 KiB it reads: cut silently, it said "no home".
  const std::string cfg = read_file(venv + "/pyvenv.cfg");
  write_file(venv + "/pyvenv.cfg", std::string(70000, '#') + "\n" + cfg);
  const auto result = probe_venv(venv);
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.out, Catch::Contains(venv + "/pyvenv.cfg is larger than 64 KiB") &&
                             !Catch::Contains("has no 'home' key"));
}

TEST_CASE("a pyvenv.cfg home that is a file is not called missing", "[venv]") {
  TempDir dir;
  const auto venv = copy_venv(dir);
  const std::string file = dir / "not-a-dir";
  write_file(file, "x");
  set_cfg_value(venv, "home", file);
  const auto result = probe_venv(venv);
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.out, Catch::Contains("pyvenv.cfg home " + file + " is not a directory") &&
                             !Catch::Contains("does not exist"));
}
