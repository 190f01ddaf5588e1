#pragma once
// A test that cannot run here says so as a skip, never as a silent pass. HEALTHPROBE_SKIP prints a
// marker line that ctest's SKIP_REGULAR_EXPRESSION turns into "Skipped" (tests/CMakeLists.txt), so
// the run's summary counts it, and scripts/test.sh lists each one with its reason; then it returns
// from the test case. A test case that may skip carries the tag [may-skip], which gives it a ctest
// entry of its own: a skip then marks that one case, not the whole group it belongs to. Such a
// case's name must not hold a semicolon (CMake would split it into two tests).
//
//   if (probe_is_emulated()) HEALTHPROBE_SKIP("strace would trace the emulator, not the probe");
#include <catch2/catch.hpp>

#include <iostream>
#include <sstream>

#define HEALTHPROBE_SKIP(reason)                                                                \
  do {                                                                                          \
    std::ostringstream healthprobe_skip_reason;                                                 \
    healthprobe_skip_reason << reason; /* NOLINT(bugprone-macro-parentheses): a << chain */     \
    std::cout << "HEALTHPROBE-SKIP: " << Catch::getResultCapture().getCurrentTestName() << ": " \
              << healthprobe_skip_reason.str() << std::endl;                                    \
    WARN("skipped: " << healthprobe_skip_reason.str());                                         \
    return;                                                                                     \
  } while (false)
