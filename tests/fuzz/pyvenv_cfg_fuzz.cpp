// parse_pyvenv_cfg: never throws on any file content; major_minor() is empty or "X.Y" in digits,
// the only shape the venv check may turn into a lib/pythonX.Y path.
#include <cctype>

#include "fuzz_support.h"
#include "healthprobe/parsing/pyvenv_cfg.h"

namespace {
bool is_major_minor(const std::string &text) {
  const auto dot = text.find('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == text.size()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    if (i != dot && !std::isdigit(static_cast<unsigned char>(text[i]))) return false;
  }
  return true;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  using namespace healthprobe;
  PyvenvCfgError error;
  const auto cfg = parse_pyvenv_cfg(fuzz::as_text(data, size), error);
  if (!cfg) {
    FUZZ_CHECK(!error.message.empty(), "refusal without a reason");
    return 0;
  }
  const std::string major_minor = cfg->major_minor();
  FUZZ_CHECK(major_minor.empty() || is_major_minor(major_minor), "major_minor is not X.Y");
  return 0;
}
