// read_health_body: never throws on any body a server sends; a verdict comes only from a JSON
// object, and a body that is not one yields nothing but is_json_object=false.
#include "fuzz_support.h"
#include "healthprobe/parsing/health_body.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  using namespace healthprobe;
  const HealthBody body = read_health_body(fuzz::as_text(data, size));
  if (!body.is_json_object) {
    FUZZ_CHECK(!body.verdict && !body.status && !body.version && !body.mode && !body.warning,
               "fields read from a body that is not a JSON object");
  }
  if (body.verdict && *body.verdict == Status::Pass) {
    FUZZ_CHECK(body.status.has_value(), "a pass verdict without a status field");
  }
  return 0;
}
