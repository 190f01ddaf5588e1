#include "healthprobe/state/configuration_key.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "healthprobe/core/text.h"

namespace healthprobe {
namespace {

// FNV-1a, 64 bits: a name, not a defence. Each item is followed by a byte no item holds, so
// ("ab", "c") and ("a", "bc") hash apart.
class Fingerprint {
 public:
  void add(std::string_view item) {
    for (const char c : item) mix(static_cast<unsigned char>(c));
    mix(0);
  }
  // Eight hex digits: both halves folded together.
  std::string hex() const {
    static constexpr std::string_view kHex = "0123456789abcdef";
    const auto folded = static_cast<std::uint32_t>(hash_ ^ (hash_ >> 32));
    std::string out(8, '0');
    for (size_t i = 0; i < out.size(); ++i) out[i] = kHex[(folded >> (28 - 4 * i)) & 0xFu];
    return out;
  }

 private:
  void mix(unsigned char byte) {
    hash_ ^= byte;
    hash_ *= 0x100000001b3ULL;
  }
  std::uint64_t hash_ = 0xcbf29ce484222325ULL;
};

}  // namespace

std::string state_file_name(const Options &options, unsigned uid) {
  Fingerprint fingerprint;
  fingerprint.add(options.url ? options.url->redacted() : "no http");
  fingerprint.add(options.expect_status.text());
  // Names only, in a stable order: the values may be credentials.
  std::vector<std::string> header_names;
  for (const auto &header : options.headers) header_names.push_back(to_lower(header.first));
  std::sort(header_names.begin(), header_names.end());
  fingerprint.add(join(header_names, ","));
  fingerprint.add(options.venv.value_or("no venv"));
  for (const auto &name : options.require) fingerprint.add(name);
  fingerprint.add("writable");
  for (const auto &dir : options.writable) fingerprint.add(dir);
  fingerprint.add(std::to_string(options.min_free));
  fingerprint.add(std::to_string(options.timeout.count()));
  fingerprint.add(options.log_to.value_or("no log"));
  fingerprint.add(std::to_string(uid));
  return "healthprobe-" + fingerprint.hex() + ".state";
}

}  // namespace healthprobe
