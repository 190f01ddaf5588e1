#include "healthprobe/parsing/heartbeat_content.h"

#include <nlohmann/json.hpp>

#include "healthprobe/core/text.h"
#include "healthprobe/parsing/health_body.h"

namespace healthprobe {
namespace {

std::optional<std::string> string_field(const nlohmann::ordered_json &object, const char *key) {
  const auto found = object.find(key);
  if (found == object.end() || !found->is_string()) return std::nullopt;
  return found->get<std::string>();
}

}  // namespace

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
  const auto json =
      nlohmann::ordered_json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  auto detail = string_field(json, "detail");
  if (!detail) detail = string_field(json, "output");
  if (detail) content.detail = printable(trim(*detail), kHeartbeatDetailLimit);
  return content;
}

}  // namespace healthprobe
