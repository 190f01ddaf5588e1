// read_health_body: never throws or recurses on any body a server sends; a verdict comes only from
// a "status" field; what it says about a status that is not a string stays one short line; and
// whatever strict JSON calls an object (nlohmann's parser, here only as a reference) it reads as
// one, with the same status: the lenient reader accepts more, never less.
#include <nlohmann/json.hpp>

#include "fuzz_support.h"
#include "healthprobe/parsing/health_body.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  using namespace healthprobe;
  const std::string_view text = fuzz::as_text(data, size);
  const HealthBody body = read_health_body(text);
  FUZZ_CHECK(body.is_json_object == body.unreadable.empty(),
             "a JSON object with a reason it is unreadable, or the reverse");
  FUZZ_CHECK(body.unreadable.size() <= 80, "the reason a body is unreadable is not one short line");
  if (body.verdict) {
    FUZZ_CHECK(body.status.has_value() != body.status_problem.has_value() || body.mode,
               "a verdict without exactly one status, string or not");
  }
  if (body.verdict && *body.verdict == Status::Pass) {
    FUZZ_CHECK(body.status.has_value(), "a pass verdict without a status field");
  }
  if (body.status_problem) {
    FUZZ_CHECK(body.status_problem->size() <= 160, "a status problem longer than one short line");
    FUZZ_CHECK(!fuzz::has_raw_control_bytes(*body.status_problem),
               "a status problem with raw control bytes");
  }
  for (const auto *field : {&body.status, &body.version, &body.mode, &body.warning}) {
    if (*field) FUZZ_CHECK((*field)->size() <= 1024 + 3, "a field kept past its limit");
  }

  // nlohmann stops at a NUL byte as at the end of the input (Python's json calls what follows
  // "extra data", and so does the reader): only bodies without one are compared.
  if (text.find('\0') != std::string_view::npos) return 0;
  const auto strict = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
  if (strict.is_object()) {
    FUZZ_CHECK(body.is_json_object, "strict JSON's object read as something else");
    const auto status = strict.find("status");
    if (status != strict.end() && status->is_string()) {
      const std::string expected = status->get<std::string>();
      FUZZ_CHECK(body.status && expected.compare(0, body.status->size(), *body.status) == 0,
                 "the status differs from strict JSON's");
    } else {
      FUZZ_CHECK(!body.status, "a status string strict JSON does not have");
      FUZZ_CHECK(body.status_problem.has_value() == (status != strict.end()),
                 "a status that is not a string went unnoticed");
    }
  }
  return 0;
}
