#pragma once
// The HTTP status codes a check accepts, written as "200-299" or "200,204,300-399".
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace healthprobe {

class StatusRanges {
 public:
  // nullopt unless every item is a code or a low-high range within 100-599.
  static std::optional<StatusRanges> parse(std::string_view text);

  bool contains(int status) const;
  const std::string &text() const { return text_; }

 private:
  std::vector<std::pair<int, int>> ranges_;
  std::string text_;
};

}  // namespace healthprobe
