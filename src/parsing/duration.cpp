#include "healthprobe/parsing/duration.h"

#include <cmath>
#include <cstdlib>
#include <string>

namespace healthprobe {
namespace {
constexpr double kMaxMilliseconds = 3600.0 * 1000.0;

// Reads a non-negative decimal number ("2", "1.5") from the front of text.
std::optional<double> leading_number(std::string_view &text) {
  size_t used = 0;
  bool digits = false;
  bool point = false;
  while (used < text.size()) {
    const char c = text[used];
    if (c >= '0' && c <= '9') {
      digits = true;
    } else if (c == '.' && !point) {
      point = true;
    } else {
      break;
    }
    ++used;
  }
  if (!digits) return std::nullopt;
  // strtod, not stod: a few hundred digits (HUGE_VAL) or a denormal must be refused by the range
  // check below, not thrown out of parsing (stod throws out_of_range for both).
  const double value = std::strtod(std::string(text.substr(0, used)).c_str(), nullptr);
  text.remove_prefix(used);
  return value;
}
}  // namespace

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  auto number = leading_number(text);
  if (!number) return std::nullopt;
  double scale = 1000.0;  // bare numbers are seconds, like Docker's and ECS's own settings
  if (text == "ms") {
    scale = 1.0;
  } else if (text == "s") {
    scale = 1000.0;
  } else if (text == "m") {
    scale = 60.0 * 1000.0;
  } else if (text == "h") {
    scale = 3600.0 * 1000.0;
  } else if (!text.empty()) {
    return std::nullopt;
  }
  const double ms = std::round(*number * scale);
  if (ms < 1.0 || ms > kMaxMilliseconds) return std::nullopt;
  return std::chrono::milliseconds(static_cast<long long>(ms));
}

std::string format_duration(std::chrono::milliseconds duration) {
  const auto ms = duration.count();
  if (ms % 3600000 == 0) return std::to_string(ms / 3600000) + "h";
  if (ms % 60000 == 0) return std::to_string(ms / 60000) + "m";
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

}  // namespace healthprobe
