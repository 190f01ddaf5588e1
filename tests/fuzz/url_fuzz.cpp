// parse_url: never throws; an accepted URL has a host, a port in 1-65535, a target starting
// with '/', and a redacted form without its query; a refusal says why in a short, printable line.
#include "fuzz_support.h"
#include "healthprobe/parsing/url.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  using namespace healthprobe;
  const std::string_view text = fuzz::as_text(data, size);
  UrlError error;
  const auto url = parse_url(text, error);
  if (!url) {
    FUZZ_CHECK(!error.message.empty() && error.message.size() < 200, "refusal without a reason");
    FUZZ_CHECK(!fuzz::has_raw_control_bytes(error.message), "refusal carries control bytes");
    return 0;
  }
  FUZZ_CHECK(!url->host.empty(), "accepted URL without a host");
  FUZZ_CHECK(url->port >= 1 && url->port <= 65535, "port outside 1-65535");
  FUZZ_CHECK(!url->target.empty() && url->target.front() == '/', "target does not start with /");
  FUZZ_CHECK(!url->connect_addresses().empty(), "accepted URL with nowhere to connect");
  FUZZ_CHECK(!url->authority().empty(), "empty authority");
  const std::string redacted = url->redacted();
  if (url->target.find('?') != std::string::npos) {
    // Nothing of the query survives: the first '?' is the one in the closing "?...".
    FUZZ_CHECK(redacted.size() >= 4 && redacted.find('?') == redacted.size() - 4 &&
                   redacted.compare(redacted.size() - 4, 4, "?...") == 0,
               "redacted URL shows its query");
  } else {
    FUZZ_CHECK(redacted.find('?') == std::string::npos, "redacted URL grew a query");
  }
  return 0;
}
