// normalize_dist_name (PEP 503): lower-case, separators collapsed to single '-', idempotent;
// dist_name_of_metadata_dir gives only normalized names.
#include <cctype>

#include "fuzz_support.h"
#include "healthprobe/parsing/dist_name.h"

namespace {
bool is_normalized(const std::string &name) {
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (c == '_' || c == '.' || std::isupper(static_cast<unsigned char>(c))) return false;
    if (c == '-' && i > 0 && name[i - 1] == '-') return false;
  }
  return true;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  using namespace healthprobe;
  const std::string_view text = fuzz::as_text(data, size);
  const std::string normalized = normalize_dist_name(text);
  FUZZ_CHECK(is_normalized(normalized), "normalized name keeps upper case or separator runs");
  FUZZ_CHECK(normalize_dist_name(normalized) == normalized, "normalizing twice changes the name");
  FUZZ_CHECK(normalized.size() <= text.size(), "normalizing lengthens the name");
  const auto from_dir = dist_name_of_metadata_dir(text);
  if (from_dir) {
    FUZZ_CHECK(is_normalized(*from_dir), "metadata dir gives an unnormalized name");
    FUZZ_CHECK(text.size() > from_dir->size(), "metadata dir name longer than the entry");
  }
  return 0;
}
