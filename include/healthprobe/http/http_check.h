#pragma once
// GET the service's health endpoint once: status code against the accepted list, then the
// body's own verdict when it is JSON with a "status" field.
#include <string>
#include <utility>
#include <vector>

#include "healthprobe/core/check.h"
#include "healthprobe/parsing/status_ranges.h"
#include "healthprobe/parsing/url.h"

namespace healthprobe {

class HttpCheck : public Check {
 public:
  // Reading more than this is never needed to judge a health body; a huge or endless body
  // must not cost the probe memory or time.
  static constexpr size_t kBodyLimit = size_t{64} * 1024;

  HttpCheck(Url url, StatusRanges expect, std::vector<std::pair<std::string, std::string>> headers)
      : url_(std::move(url)), expect_(std::move(expect)), headers_(std::move(headers)) {}

  std::string name() const override { return "webhook:http"; }
  std::vector<Observation> run(const Deadline &deadline, Interruption &interruption) override;
  // Sockets only: every wait is interruptible, and the deadline shuts the socket down.
  bool may_block_uninterruptibly() const override { return false; }

 private:
  Url url_;
  StatusRanges expect_;
  std::vector<std::pair<std::string, std::string>> headers_;
};

}  // namespace healthprobe
