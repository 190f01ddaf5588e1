#include "healthprobe/parsing/byte_size.h"

#include <array>
#include <cstdio>
#include <limits>

#include "healthprobe/core/text.h"

namespace healthprobe {

std::optional<std::uint64_t> parse_byte_size(std::string_view text) {
  std::uint64_t value = 0;
  size_t used = 0;
  for (; used < text.size() && text[used] >= '0' && text[used] <= '9'; ++used) {
    const auto digit = static_cast<std::uint64_t>(text[used] - '0');
    if (value > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  if (used == 0) return std::nullopt;
  std::string unit = to_lower(text.substr(used));
  if (!unit.empty() && unit.front() == ' ') unit.erase(0, 1);
  // Only binary units: "MB" means 10^6 to some and 2^20 to others, so it is refused, not guessed.
  std::uint64_t scale = 1;
  if (unit.empty() || unit == "b") {
    scale = 1;
  } else if (unit == "kib" || unit == "k") {
    scale = 1ULL << 10;
  } else if (unit == "mib" || unit == "m") {
    scale = 1ULL << 20;
  } else if (unit == "gib" || unit == "g") {
    scale = 1ULL << 30;
  } else {
    return std::nullopt;
  }
  if (value > std::numeric_limits<std::uint64_t>::max() / scale) return std::nullopt;
  return value * scale;
}

std::string format_byte_size(std::uint64_t bytes) {
  static constexpr std::array<const char *, 5> kUnits = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  size_t unit = 0;
  while (value >= 1024.0 && unit + 1 < kUnits.size()) {
    value /= 1024.0;
    ++unit;
  }
  std::array<char, 32> out{};
  if (unit == 0) {
    std::snprintf(out.data(), out.size(), "%llu B", static_cast<unsigned long long>(bytes));
  } else {
    std::snprintf(out.data(), out.size(), "%.1f %s", value, kUnits[unit]);
  }
  return out.data();
}

}  // namespace healthprobe
