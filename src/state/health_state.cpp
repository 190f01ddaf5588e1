#include "healthprobe/state/health_state.h"

namespace healthprobe {
namespace {

constexpr std::string_view kMagic = "healthprobe-state 1";
constexpr std::string_view kEnd = "end";

std::optional<Status> parse_status(std::string_view word) {
  if (word == "pass") return Status::Pass;
  if (word == "warn") return Status::Warn;
  if (word == "fail") return Status::Fail;
  return std::nullopt;
}

bool is_safe_reason(std::string_view reason) {
  if (reason.empty() || reason.size() > kMaxReasonBytes) return false;
  for (char c : reason) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) return false;
  }
  return true;
}

// Takes the next '\n'-terminated line off text; nullopt when no newline is left.
std::optional<std::string_view> next_line(std::string_view &text) {
  const size_t newline = text.find('\n');
  if (newline == std::string_view::npos) return std::nullopt;
  std::string_view line = text.substr(0, newline);
  text.remove_prefix(newline + 1);
  return line;
}

}  // namespace

std::string format_health_state(const HealthState &state) {
  std::string out = std::string(kMagic) + "\nstatus " + status_word(state.status) + "\n";
  size_t count = 0;
  for (const auto &reason : state.reasons) {
    if (count++ == kMaxReasons) break;
    if (is_safe_reason(reason)) out += "reason " + reason + "\n";
  }
  return out + std::string(kEnd) + "\n";
}

std::optional<HealthState> parse_health_state(std::string_view text) {
  if (text.size() > kMaxStateBytes) return std::nullopt;
  if (next_line(text) != kMagic) return std::nullopt;
  const auto status_line = next_line(text);
  constexpr std::string_view kStatus = "status ";
  if (!status_line || status_line->substr(0, kStatus.size()) != kStatus) return std::nullopt;
  const auto status = parse_status(status_line->substr(kStatus.size()));
  if (!status) return std::nullopt;
  HealthState state;
  state.status = *status;
  constexpr std::string_view kReason = "reason ";
  while (auto line = next_line(text)) {
    if (*line == kEnd) {
      // A healthy state has no reasons; an unhealthy one always names at least one.
      if ((state.status == Status::Pass) != state.reasons.empty()) return std::nullopt;
      return state;
    }
    if (line->substr(0, kReason.size()) != kReason) return std::nullopt;
    const std::string_view reason = line->substr(kReason.size());
    if (!is_safe_reason(reason) || state.reasons.size() == kMaxReasons) return std::nullopt;
    state.reasons.emplace_back(reason);
  }
  return std::nullopt;  // no "end": cut short
}

}  // namespace healthprobe
