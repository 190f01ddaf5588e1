#pragma once
// The report's timestamp, "2026-11-30T04:59:37Z", computed by hand: glibc's gmtime_r and strftime
// both read /etc/localtime first (tzset), a file read on every run for a time that is UTC anyway.
#include <cstdint>
#include <string>

namespace healthprobe {

// seconds: since the Unix epoch (std::time).
std::string utc_timestamp(std::int64_t seconds);

}  // namespace healthprobe
