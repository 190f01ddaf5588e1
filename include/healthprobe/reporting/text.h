#pragma once
// Small string helpers shared by the parsers.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace healthprobe {

std::string_view trim(std::string_view text);
// Splits on sep; an empty text gives no items, empty items in between are kept.
std::vector<std::string_view> split(std::string_view text, char sep);
std::string to_lower(std::string_view text);

// A decimal number made of digits only (no sign, no spaces) within [min, max]; nullopt otherwise.
std::optional<int> parse_int_in_range(std::string_view text, int min, int max);

// Makes text safe to print in a one-line report: control characters become '?', and
// anything past max_bytes is cut (at a UTF-8 boundary) and marked with "...".
std::string printable(std::string_view text, size_t max_bytes);

}  // namespace healthprobe
