#pragma once
// Parses the probe's durations: "250ms", "2s", "1.5s", "1m", "1h", or bare seconds ("2").
#include <chrono>
#include <optional>
#include <string_view>

namespace healthprobe {

// Returns nullopt for anything that is not a positive duration of at most one hour:
// a probe's deadline outside that range is a typo, not a wish.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

// "2s", "250ms", "2m", "1h": in the largest unit that divides it, for messages.
std::string format_duration(std::chrono::milliseconds duration);

}  // namespace healthprobe
