// The watchdog's last word (issue 8, item 7): when a check outlives the deadline by the grace
// period, the report says whether it was still working or blocked in a system call. The blocked
// case (a write held by strace) is in leftover_test.cpp; this is the busy one: a real venv whose
// site-packages is far too big to list within a 1 ms deadline.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include "probe_runner.h"
#include "temp_dir.h"
#include "traced_probe.h"
#include "venv.h"

using namespace test_support;

TEST_CASE("a check busy at the deadline is not called stuck in a system call", "[giveup]") {
  if (probe_is_emulated()) {
    WARN("skipped under emulation (see traced_probe.h)");
    return;
  }
  TempDir dir;
  const std::string venv = dir / "venv";
  make_venv(venv, false);
  const std::string site_packages =
      venv + "/lib/python" + venv_python_version(venv) + "/site-packages";
  // 100,000 entries: listing and parsing them takes the probe several hundred ms of CPU.
  int created = 0;
  for (int i = 0; i < 100000; ++i) {
    const std::string name = site_packages + "/dist" + std::to_string(i) + "-1.0.dist-info";
    const int fd = open(name.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
    if (fd >= 0) ++created;
    close(fd);
  }
  REQUIRE(created == 100000);
  const auto result = probe({"--no-http", "--venv", venv, "--require", "absent", "--writable",
                             "none", "--timeout", "1ms"});
  CHECK(result.exit_code == 1);
  CHECK(result.elapsed < std::chrono::milliseconds(1500));
  // The listing did not finish: the run was cut at the deadline, by the check or the watchdog.
  CHECK_THAT(result.out, !Catch::Contains("missing from"));
  CHECK_THAT(result.out, !Catch::Contains("stuck in a system call"));
}
