// render_within: whatever the observations hold (server text, file names, odd numbers), the
// report fits its byte budget, ends in a line break, carries no raw control bytes (text) or is
// valid JSON with the right status (json).
// Input: byte 0 picks the format, bytes 1-2 the budget (4096 minus up to the log's 1024 bytes);
// the rest is NUL-separated fields, four per observation: component, measurement, output, and an
// extra field whose first byte picks the status and whose rest is an observed value or text.
#include <nlohmann/json.hpp>

#include <cstring>

#include "fuzz_support.h"
#include "healthprobe/reporting/log.h"
#include "healthprobe/reporting/report.h"

namespace {
using namespace healthprobe;

void add_extra(Observation &observation, const std::string &extra) {
  if (extra.empty()) return;
  const auto selector = static_cast<unsigned char>(extra[0]);
  observation.status = static_cast<Status>(selector % 3);
  const std::string rest = extra.substr(1);
  if ((selector / 3) % 3 == 1 && rest.size() >= sizeof(double)) {
    double value = 0;
    std::memcpy(&value, rest.data(), sizeof value);
    observation.observed_value = value;
    observation.observed_unit = rest.substr(sizeof(double));
  } else if ((selector / 3) % 3 == 2) {
    observation.observed_text = rest;
  }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 3) return 0;
  const Format format = data[0] % 2 == 0 ? Format::Text : Format::Json;
  const size_t budget = kOutputLimit - (size_t{data[1]} << 8 | data[2]) % (kLogLimit + 1);
  const auto fields = fuzz::split_fields(fuzz::as_text(data + 3, size - 3));
  Report report;
  report.elapsed = std::chrono::milliseconds(static_cast<long long>(size));
  report.time = "2026-01-01T00:00:00Z";
  for (size_t i = 0; i + 2 < fields.size(); i += 4) {
    Observation observation{fields[i], fields[i + 1]};
    observation.output = fields[i + 2];
    if (i + 3 < fields.size()) add_extra(observation, fields[i + 3]);
    report.observations.push_back(std::move(observation));
  }
  const std::string out = render_within(report, format, budget);
  FUZZ_CHECK(out.size() <= budget, "report over its byte budget");
  FUZZ_CHECK(!out.empty() && out.back() == '\n', "report does not end in a line break");
  if (format == Format::Text) {
    FUZZ_CHECK(!fuzz::has_raw_control_bytes(out), "text report carries raw control bytes");
    FUZZ_CHECK(out.rfind(verdict_word(report.status()), 0) == 0,
               "text report does not start with its verdict");
  } else {
    const auto document = nlohmann::json::parse(out, nullptr, false);
    FUZZ_CHECK(!document.is_discarded(), "JSON report does not parse");
    FUZZ_CHECK(document.value("status", "") == status_word(report.status()),
               "JSON report has the wrong status");
  }
  return 0;
}
