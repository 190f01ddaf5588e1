#include "healthprobe/parsing/heartbeat_content.h"

#include "healthprobe/core/text.h"
#include "healthprobe/parsing/health_body.h"

namespace healthprobe {

HeartbeatContent read_heartbeat_content(std::string_view text) {
  HeartbeatContent content;
  text = text.substr(0, kHeartbeatContentLimit);
  // The /health body's own reader judges the status, so a heartbeat and an endpoint saying the
  // same word get the same verdict.
  const HealthBody body = read_health_body(text);
  if (!body.status && !body.status_problem) return content;  // no "status": nothing said
  content.verdict = body.verdict;
  content.status =
      printable(body.status ? *body.status : *body.status_problem, kHeartbeatDetailLimit);
  const auto &detail = body.detail ? body.detail : body.output;
  if (detail) content.detail = printable(trim(*detail), kHeartbeatDetailLimit);
  return content;
}

}  // namespace healthprobe
