#include "healthprobe/parsing/dist_name.h"

#include <cctype>

namespace healthprobe {

std::string normalize_dist_name(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  bool in_separator_run = false;
  for (char c : name) {
    if (c == '-' || c == '_' || c == '.') {
      if (!in_separator_run) out.push_back('-');
      in_separator_run = true;
    } else {
      out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
      in_separator_run = false;
    }
  }
  return out;
}

std::optional<std::string> dist_name_of_metadata_dir(std::string_view entry) {
  constexpr std::string_view kSuffix = ".dist-info";
  if (entry.size() <= kSuffix.size() || entry.substr(entry.size() - kSuffix.size()) != kSuffix) {
    return std::nullopt;
  }
  entry.remove_suffix(kSuffix.size());
  // Wheel metadata dirs are "{name}-{version}" with '-' in the name escaped to '_' (PEP 427),
  // so the first '-' ends the name.
  const auto dash = entry.find('-');
  if (dash == 0) return std::nullopt;
  return normalize_dist_name(entry.substr(0, dash));
}

}  // namespace healthprobe
