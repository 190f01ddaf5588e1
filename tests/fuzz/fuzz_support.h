#pragma once
// Shared by the fuzz harnesses: property checks that fail loudly (libFuzzer and the corpus replay
// both treat an abort as a finding), and splitting one fuzz input into several fields.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

// Harnesses assert properties, not just "no crash": a broken property aborts with its reason.
#define FUZZ_CHECK(condition, why)                                                         \
  do {                                                                                     \
    if (!(condition)) {                                                                    \
      std::fprintf(stderr, "fuzz property broken: %s (%s:%d)\n", why, __FILE__, __LINE__); \
      std::abort();                                                                        \
    }                                                                                      \
  } while (false)

namespace healthprobe::fuzz {

inline std::string_view as_text(const uint8_t *data, size_t size) {
  return {reinterpret_cast<const char *>(data), size};
}

// Splits on NUL: argv entries and environment values cannot hold one, so it is a free separator.
inline std::vector<std::string> split_fields(std::string_view text) {
  std::vector<std::string> fields;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t end = text.find('\0', start);
    fields.emplace_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return fields;
}

// What a terminal must never receive raw from a report: C0 controls other than
// the line break, DEL, bytes that are not UTF-8, C1 controls (U+0080-U+009F) and the bidi controls
// (U+061C, U+200E/F, U+202A-U+202E, U+2066-U+2069). Decoded here independently of the probe's own
// printable(), so a bug there cannot hide itself.
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

}  // namespace healthprobe::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
