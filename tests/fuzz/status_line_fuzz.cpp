// cpp-httplib's status-line parser as patched by scripts/patches/: a differential property. Every
// line is parsed by parse_status_line and matched by the std::regex it replaced; both must accept
// exactly the same lines and read the same version, status and reason from them.
#include <httplib.h>

#include <regex>
#include <string>

#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  // The regex read_response_line compiled before the patch (CPPHTTPLIB_ALLOW_LF_AS_LINE_TERMINATOR
  // undefined, as in healthprobe's build).
  static const std::regex kStatusLine("(HTTP/1\\.[01]) (\\d{3})(?: (.*?))?\r?\n");
  const std::string line(reinterpret_cast<const char *>(data), size);
  httplib::Response ours;
  const bool accepted = httplib::detail::parse_status_line(line.c_str(), ours);
  if (!accepted) {
    FUZZ_CHECK(ours.status == -1 && ours.version.empty() && ours.reason.empty(),
               "a refused line changed the response");
  }
  // libstdc++'s regex executor recurses once per character: long lines would test its stack, not
  // the parser. The probe's response guard hands httplib a short canonical status line anyway.
  if (line.size() > 1024) return 0;
  std::cmatch match;
  const bool matched = std::regex_match(line.c_str(), match, kStatusLine);
  FUZZ_CHECK(accepted == matched, "parse_status_line and the regex disagree on a line");
  if (!matched) return 0;
  FUZZ_CHECK(ours.version == match[1].str(), "a different version");
  FUZZ_CHECK(ours.status == std::stoi(match[2].str()), "a different status");
  FUZZ_CHECK(ours.reason == match[3].str(), "a different reason");
  return 0;
}
