#include "healthprobe/runtime/run.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <ctime>
#include <exception>

#include "healthprobe/checks/filesystem_check.h"
#include "healthprobe/checks/venv_check.h"
#include "healthprobe/http/http_check.h"
#include "healthprobe/parsing/duration.h"
#include "healthprobe/reporting/log.h"
#include "healthprobe/reporting/transition_log.h"
#include "healthprobe/runtime/watchdog.h"

namespace healthprobe {
namespace {

// If a check is stuck in a system call the deadline cannot interrupt (a hung network mount),
// this much after the deadline the probe gives up on reporting in full and exits anyway.
constexpr std::chrono::milliseconds kStuckGrace{100};

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm parts{};
  gmtime_r(&now, &parts);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return text;
}

Observation not_run(const Check &check, const std::string &why) {
  const std::string name = check.name();
  const auto colon = name.find(':');
  Observation observation{name.substr(0, colon),
                          colon == std::string::npos ? "" : name.substr(colon + 1)};
  observation.status = Status::Fail;
  observation.output = why;
  return observation;
}

void write_all(int fd, const std::string &text) {
  const char *data = text.data();
  size_t left = text.size();
  while (left > 0) {
    const ssize_t written = ::write(fd, data, left);
    if (written <= 0) return;  // nobody is reading: the exit code still tells
    data += written;
    left -= static_cast<size_t>(written);
  }
}

}  // namespace

std::vector<std::unique_ptr<Check>> make_checks(const Options &options, const Environment &env) {
  std::vector<std::unique_ptr<Check>> checks;
  if (options.venv) checks.push_back(std::make_unique<VenvCheck>(*options.venv, options.require));
  FilesystemSettings filesystem{options.writable,          options.min_free,
                                env.get("PATH"),           env.get("HOME"),
                                env.get("XDG_CACHE_HOME"), env.get("UV_CACHE_DIR")};
  checks.push_back(std::make_unique<FilesystemCheck>(std::move(filesystem)));
  if (options.url)
    checks.push_back(
        std::make_unique<HttpCheck>(*options.url, options.expect_status, options.headers));
  return checks;
}

Report run_checks(const std::vector<std::unique_ptr<Check>> &checks, const Deadline &deadline,
                  Interruption &interruption) {
  Report report;
  for (const auto &check : checks) {
    if (deadline.expired()) {
      report.observations.push_back(not_run(
          *check, "not run: the " + format_duration(deadline.budget()) + " deadline had passed"));
      continue;
    }
    try {
      for (auto &observation : check->run(deadline, interruption))
        report.observations.push_back(std::move(observation));
    } catch (const std::exception &error) {
      report.observations.push_back(
          not_run(*check, std::string("internal error: ") + error.what()));
    }
  }
  report.elapsed = deadline.elapsed();
  report.time = utc_now();
  return report;
}

int run_probe(const Options &options, const Environment &env) {
  configure_logging(options.verbose);
  const Deadline deadline(options.timeout);
  const std::string stuck_message =
      options.quiet ? ""
                    : "unhealthy: the " + format_duration(options.timeout) +
                          " deadline passed with a check stuck in a system call\n";
  // One thread enforces the deadline for the whole run (each thread costs a probe ~0.2 ms).
  Interruption interruption;
  Watchdog watchdog(
      deadline.end(), [&interruption] { interruption.interrupt(); }, deadline.end() + kStuckGrace,
      [&stuck_message] {
        write_all(STDOUT_FILENO, stuck_message);
        ::_exit(kExitUnhealthy);
      });
  const auto checks = make_checks(options, env);
  const Report report = run_checks(checks, deadline, interruption);
  watchdog.disarm();
  log_transition(options, report, deadline);  // --log-to: one line when health changes
  spdlog::debug("ran {} checks in {} ms", checks.size(), report.elapsed.count());
  if (!options.quiet) {
    write_all(STDOUT_FILENO, render_within(report, options.format, kOutputLimit - logged_bytes()));
  }
  return report.status() == Status::Fail ? kExitUnhealthy : kExitHealthy;
}

}  // namespace healthprobe
