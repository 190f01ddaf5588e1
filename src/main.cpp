// healthprobe: parse the command line, run the checks once, exit 0 (healthy), 1 (unhealthy)
// or 64 (bad usage). Everything else lives in the library so it can be tested.
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <exception>
#include <new>
#include <string>
#include <vector>

#include "healthprobe/core/bounded_write.h"
#include "healthprobe/parsing/options.h"
#include "healthprobe/runtime/memory_budget.h"
#include "healthprobe/runtime/run.h"
#include "healthprobe/version.h"

extern char **environ;

namespace {
// Last resort for a bug (or memory running out) anywhere above: a diagnostic on stderr unless -q,
// read from argv itself since parsing may be what failed. It allocates nothing, and a stderr
// nobody reads holds it for a moment at most.
void last_resort(int argc, char **argv, const char *what, const char *detail = "") {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "-q") == 0 || std::strcmp(argv[i], "--quiet") == 0) return;
  }
  std::array<char, 512> line{};
  const int length = std::snprintf(line.data(), line.size(), "unhealthy: %s%.200s\n", what, detail);
  if (length > 0) {
    healthprobe::write_within(STDERR_FILENO, line.data(),
                              std::min(static_cast<size_t>(length), line.size() - 1),
                              std::chrono::steady_clock::now() + std::chrono::milliseconds(100));
  }
}
}  // namespace

int main(int argc, char **argv) {
  using namespace healthprobe;
  // A write must fail with an errno the report can name, never kill the probe silently: a closed
  // stdout or socket raises SIGPIPE, a write past RLIMIT_FSIZE (ulimit -f) raises SIGXFSZ.
  std::signal(SIGPIPE, SIG_IGN);
  std::signal(SIGXFSZ, SIG_IGN);
  cap_memory();  // a runaway allocation fails this run, not the container
  try {
    const std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + argc);
    const Environment env = Environment::from_envp(environ);
    const ParsedCommand parsed = parse_command_line(args, env);
    switch (parsed.command) {
      case Command::Help:
        std::fputs(usage_text(), stdout);
        return kExitHealthy;
      case Command::Version:
        std::printf("healthprobe %s (%s)\n", kVersion, kTargetPlatform);
        return kExitHealthy;
      case Command::UsageError: {
        // Docker runs a misconfigured HEALTHCHECK too: a stderr nobody reads must not hold it.
        const std::string line = "healthprobe: " + parsed.error + "\n";
        write_within(STDERR_FILENO, line.data(), line.size(),
                     std::chrono::steady_clock::now() + std::chrono::milliseconds(100));
        return kExitUsage;
      }
      case Command::Check:
        return run_probe(parsed.options, env);
    }
  } catch (const std::bad_alloc &) {
    last_resort(argc, argv, "healthprobe internal error: ", out_of_memory_message());
  } catch (const std::exception &error) {
    last_resort(argc, argv, "healthprobe internal error: ", error.what());
  } catch (...) {
    last_resort(argc, argv, "healthprobe internal error: unknown exception");
  }
  return kExitUnhealthy;  // never 2: Docker reserves it
}
