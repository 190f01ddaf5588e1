#pragma once
// The one interface every check implements, and what a check reports.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "healthprobe/core/deadline.h"
#include "healthprobe/core/interruption.h"

namespace healthprobe {

enum class Status { Pass, Warn, Fail };

// One measurement, keyed "component:measurement" in the JSON report
// (draft-inadarei-api-health-check).
struct Observation {
  Observation(std::string component_name, std::string measurement_name)
      : component(std::move(component_name)), measurement(std::move(measurement_name)) {}

  std::string component;    // "webhook", "venv", "filesystem"
  std::string measurement;  // "http", "python", "/tmp"
  Status status = Status::Pass;
  std::string output;                    // one line a person can act on
  std::optional<double> observed_value;  // with observed_unit, e.g. latency in ms
  std::string observed_unit;
  std::optional<std::string> observed_text;  // a non-numeric observed value, e.g. "3.11.2"
  // A count of past events the finding is about (OOM kills so far). The transition log keeps it
  // with the key, so the same finding with a new count is a change worth a line.
  std::optional<std::uint64_t> event_count;
};

class Check {
 public:
  virtual ~Check() = default;
  // The key prefix of its observations, for the deadline message when it cannot finish.
  virtual std::string name() const = 0;
  // Must return by the deadline; reports a failure rather than throwing. A check that waits on a
  // socket hands it to `interruption`, which shuts it down when the deadline passes.
  virtual std::vector<Observation> run(const Deadline &deadline, Interruption &interruption) = 0;
  // What the check reports when it cannot run or finish (the deadline passed, the memory budget ran
  // out): failures keyed as its own observations would have been, so the change log sees the same
  // checks at fault. By default one, keyed by name().
  virtual std::vector<Observation> not_run(const std::string &why) const;
  // Whether the check makes file system calls on paths it was given, which may sleep in the kernel
  // where no signal reaches them if the path is on a network or FUSE mount. For such a run the
  // mount table decides whether a watchdog thread must keep the deadline
  // (runtime/deadline_keeper.h); a run without any makes do with a timer signal.
  virtual bool may_block_uninterruptibly() const { return true; }
  // After run(): why it reported nothing, if it did not (the run logs it under -v; a check
  // cannot, the log is a layer above). Empty otherwise.
  virtual std::string silent_because() const { return {}; }
};

const char *status_word(Status status);  // "pass", "warn", "fail"

}  // namespace healthprobe
