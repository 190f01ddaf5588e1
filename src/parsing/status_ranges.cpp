#include "healthprobe/parsing/status_ranges.h"

#include "healthprobe/core/text.h"

namespace healthprobe {
namespace {
std::optional<int> parse_code(std::string_view text) {
  return text.size() == 3 ? parse_int_in_range(text, 100, 599) : std::nullopt;
}
}  // namespace

std::optional<StatusRanges> StatusRanges::parse(std::string_view text) {
  StatusRanges result;
  for (std::string_view item : split(text, ',')) {
    item = trim(item);
    const auto dash = item.find('-');
    const auto low = parse_code(trim(item.substr(0, dash)));
    const auto high =
        dash == std::string_view::npos ? low : parse_code(trim(item.substr(dash + 1)));
    if (!low || !high || *low > *high) return std::nullopt;
    result.ranges_.emplace_back(*low, *high);
  }
  if (result.ranges_.empty()) return std::nullopt;
  result.text_ = std::string(text);
  return result;
}

bool StatusRanges::contains(int status) const {
  for (const auto &[low, high] : ranges_) {
    if (status >= low && status <= high) return true;
  }
  return false;
}

}  // namespace healthprobe
