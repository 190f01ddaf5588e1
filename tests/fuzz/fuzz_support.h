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

#include "terminal_safety.h"

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

using test_support::has_raw_control_bytes;

}  // namespace healthprobe::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
