// StatusRanges::parse: never throws; an accepted list keeps its text and never admits a code
// outside 100-599, and every code it admits is one the text names.
#include "fuzz_support.h"
#include "healthprobe/parsing/status_ranges.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  using namespace healthprobe;
  const std::string_view text = fuzz::as_text(data, size);
  const auto ranges = StatusRanges::parse(text);
  if (!ranges) return 0;
  FUZZ_CHECK(ranges->text() == text, "accepted list does not keep its text");
  for (int code : {-1, 0, 1, 99, 600, 999, 1000, 2000000000}) {
    FUZZ_CHECK(!ranges->contains(code), "admits a code outside 100-599");
  }
  bool admits_any = false;
  for (int code = 100; code <= 599; ++code) admits_any = admits_any || ranges->contains(code);
  FUZZ_CHECK(admits_any, "accepted list admits no code");
  return 0;
}
