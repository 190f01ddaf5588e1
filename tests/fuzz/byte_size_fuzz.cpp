// parse_byte_size: never throws or overflows; a parsed size prints in a short form and its byte
// count parses back to itself.
#include "fuzz_support.h"
#include "healthprobe/parsing/byte_size.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  using namespace healthprobe;
  const auto parsed = parse_byte_size(fuzz::as_text(data, size));
  if (!parsed) return 0;
  const std::string formatted = format_byte_size(*parsed);
  FUZZ_CHECK(!formatted.empty() && formatted.size() < 32, "size renders empty or long");
  FUZZ_CHECK(parse_byte_size(std::to_string(*parsed)) == parsed, "byte count does not parse back");
  return 0;
}
