// read_heartbeat_content: never throws on any file content; a verdict comes only with a status
// field and is the one a /health body with that text gets; the status and detail are
// terminal-safe and cut short; only the first 4 KiB matter.
#include "fuzz_support.h"
#include "healthprobe/parsing/health_body.h"
#include "healthprobe/parsing/heartbeat_content.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  using namespace healthprobe;
  const std::string_view text = fuzz::as_text(data, size);
  const HeartbeatContent content = read_heartbeat_content(text);
  if (!content.verdict) {
    FUZZ_CHECK(content.status.empty() && content.detail.empty(), "words without a verdict");
  } else {
    // Judged like a /health body: the same reader gives the same verdict.
    const HealthBody body = read_health_body(text.substr(0, kHeartbeatContentLimit));
    FUZZ_CHECK(body.verdict == content.verdict, "a verdict the /health reader does not give");
    FUZZ_CHECK(body.status || body.status_problem, "a verdict without a status field");
  }
  FUZZ_CHECK(content.status.size() <= kHeartbeatDetailLimit, "status longer than its limit");
  FUZZ_CHECK(content.detail.size() <= kHeartbeatDetailLimit, "detail longer than its limit");
  FUZZ_CHECK(!fuzz::has_raw_control_bytes(content.status) &&
                 content.status.find('\n') == std::string::npos,
             "status with raw control bytes");
  FUZZ_CHECK(!fuzz::has_raw_control_bytes(content.detail) &&
                 content.detail.find('\n') == std::string::npos,
             "detail with raw control bytes");
  if (text.size() > kHeartbeatContentLimit) {
    const HeartbeatContent first = read_heartbeat_content(text.substr(0, kHeartbeatContentLimit));
    FUZZ_CHECK(first.verdict == content.verdict && first.status == content.status &&
                   first.detail == content.detail,
               "bytes past the first 4 KiB changed what the content says");
  }
  return 0;
}
