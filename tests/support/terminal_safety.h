#pragma once
// What the tests and fuzz harnesses check a report for before it may reach a terminal. Decoded
// here independently of the probe's own printable(), so a bug there cannot hide itself. Header
// only and without Catch, so that the fuzz harnesses share it.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace test_support {

// What a terminal must never receive raw from a report: C0 controls other than
// the line break, DEL, bytes that are not UTF-8, C1 controls (U+0080-U+009F) and the bidi controls
// (U+061C, U+200E/F, U+202A-U+202E, U+2066-U+2069).
inline bool has_raw_control_bytes(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x80) {
      if ((byte < 0x20 && byte != '\n') || byte == 0x7f) return true;
      ++i;
      continue;
    }
    const size_t length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc2 ? 2 : 0;
    if (length == 0 || byte > 0xf4 || i + length > text.size()) return true;
    uint32_t code = byte & (0x7f >> length);
    for (size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xc0) != 0x80) return true;
      code = (code << 6) | (next & 0x3f);
    }
    const uint32_t smallest = length == 2 ? 0x80 : length == 3 ? 0x800 : 0x10000;
    if (code < smallest || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return true;
    if (code <= 0x9f || code == 0x61c || code == 0x200e || code == 0x200f ||
        (code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069)) {
      return true;
    }
    i += length;
  }
  return false;
}

// Stricter, for a report made of hostile input that holds no character worth keeping: any byte
// that is not printable ASCII or the report's own newline.
inline bool has_control_or_non_ascii(std::string_view text) {
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte < 0x20 && c != '\n') || byte >= 0x7f) return true;
  }
  return false;
}

}  // namespace test_support
