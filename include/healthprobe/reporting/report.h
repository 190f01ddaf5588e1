#pragma once
// The outcome of one run and its two renderings. Docker keeps only 4096 bytes of a health
// check's output, so rendering takes a byte budget and degrades detail to stay inside it.
#include <chrono>
#include <string>
#include <vector>

#include "healthprobe/core/check.h"
#include "healthprobe/parsing/options.h"

namespace healthprobe {

struct Report {
  std::vector<Observation> observations;
  std::chrono::milliseconds elapsed{0};
  std::string time;  // ISO 8601 UTC, when the run ended

  // fail if any observation fails, else warn if any warns, else pass.
  Status status() const;
};

// "healthy", "degraded", "unhealthy": the words a person reads on the verdict line.
const char *verdict_word(Status status);
std::string observation_key(const Observation &observation);  // "component:measurement"

// Each observation's output is cut to output_limit bytes.
std::string render_text(const Report &report, size_t output_limit);
// application/health+json (draft-inadarei-api-health-check).
std::string render_json(const Report &report, size_t output_limit);

// The report in the chosen format, never longer than max_bytes: detail is cut first, then
// passing checks are summarised, and only then is the text itself truncated.
std::string render_within(const Report &report, Format format, size_t max_bytes);

}  // namespace healthprobe
