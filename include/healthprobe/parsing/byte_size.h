#pragma once
// Parses sizes for --min-free: plain bytes, or KiB / MiB / GiB (binary multiples).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace healthprobe {

std::optional<std::uint64_t> parse_byte_size(std::string_view text);

// "512 B", "1.5 MiB", "3.2 GiB": for reports, one decimal at most.
std::string format_byte_size(std::uint64_t bytes);

}  // namespace healthprobe
