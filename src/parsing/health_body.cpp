#include "healthprobe/parsing/health_body.h"

#include <array>
#include <nlohmann/json.hpp>

#include "healthprobe/core/text.h"

namespace healthprobe {
namespace {

std::optional<std::string> string_field(const nlohmann::ordered_json &object, const char *key) {
  const auto found = object.find(key);
  if (found == object.end() || !found->is_string()) return std::nullopt;
  return found->get<std::string>();
}

// The words peers use (the IETF draft's pass/fail/warn, Spring's UP/DOWN, the webhook's own
// healthy/ready/alive), compared case-insensitively.
Status status_from_word(const std::string &word) {
  static constexpr std::array<std::string_view, 6> kPass = {"healthy", "ok",    "pass",
                                                            "up",      "alive", "ready"};
  static constexpr std::array<std::string_view, 4> kFail = {"fail", "unhealthy", "down", "error"};
  const std::string lowered = to_lower(trim(word));
  for (auto candidate : kPass) {
    if (lowered == candidate) return Status::Pass;
  }
  for (auto candidate : kFail) {
    if (lowered == candidate) return Status::Fail;
  }
  return Status::Warn;
}

// "status is a number (42), not a word": the JSON type, and the value cut short.
std::string not_a_word(const nlohmann::ordered_json &value) {
  const std::string text =
      value.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  return std::string("status is ") + (value.is_object() || value.is_array() ? "an " : "a ") +
         value.type_name() + " (" + printable(text, 40) + "), not a word like healthy or fail";
}

}  // namespace

HealthBody read_health_body(std::string_view body) {
  HealthBody result;
  const auto json =
      nlohmann::ordered_json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) return result;
  result.is_json_object = true;
  result.status = string_field(json, "status");
  result.version = string_field(json, "version");
  result.mode = string_field(json, "mode");
  result.warning = string_field(json, "warning");
  const bool has_status = json.contains("status");
  if (has_status) {
    // A status that is not a string is "another value": the service said something unexpected.
    result.verdict = result.status ? status_from_word(*result.status) : Status::Warn;
    if (!result.status) result.status_problem = not_a_word(json["status"]);
  }
  if (result.mode && to_lower(*result.mode) == "degraded" && result.verdict != Status::Fail) {
    result.verdict = Status::Warn;
  }
  return result;
}

}  // namespace healthprobe
