#pragma once
// Verifies the filesystem the service relies on: each directory it must write to accepts a new
// file and has room; whether the root filesystem is read-only; and the `uv run` trap (uv on PATH
// with an unwritable cache), the crash that started the image rework.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "healthprobe/checks/check.h"

namespace healthprobe {

struct FilesystemSettings {
  std::vector<std::string> writable;
  std::uint64_t min_free = 0;
  // From the environment: where to look for uv and where its cache would go.
  std::optional<std::string> path;
  std::optional<std::string> home;
  std::optional<std::string> xdg_cache_home;
  std::optional<std::string> uv_cache_dir;
};

// Free bytes from statvfs's block count and size, saturating: some FUSE and network filesystems
// report counts whose product does not fit 64 bits.
std::uint64_t available_bytes(std::uint64_t blocks, std::uint64_t block_size);

class FilesystemCheck : public Check {
 public:
  explicit FilesystemCheck(FilesystemSettings settings) : settings_(std::move(settings)) {}

  std::string name() const override { return "filesystem"; }
  std::vector<Observation> run(const Deadline &deadline, Interruption &interruption) override;

 private:
  Observation check_writable(const std::string &dir) const;
  std::optional<Observation> check_uv_cache() const;

  FilesystemSettings settings_;
};

}  // namespace healthprobe
