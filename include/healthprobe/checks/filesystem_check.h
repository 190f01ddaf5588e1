#pragma once
// Verifies the filesystem the service relies on: each directory it must write to accepts a new
// file and has room; whether the root filesystem is read-only; and the `uv run` trap (uv on PATH
// with an unwritable cache), the crash that started the image rework. The uv trap is a
// writability check too: with no writable dirs (`--writable none`) it is off.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "healthprobe/core/check.h"

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
  // One per writable dir (filesystem:DIR), or filesystem:/ when there are none.
  std::vector<Observation> not_run(const std::string &why) const override;
  // With no writable dirs it only asks statvfs about "/", the file system the probe itself was
  // just loaded from: if that hung, the probe would never have started.
  bool may_block_uninterruptibly() const override { return !settings_.writable.empty(); }

 private:
  Observation check_writable(const std::string &dir) const;
  std::optional<Observation> check_uv_cache() const;

  FilesystemSettings settings_;
};

}  // namespace healthprobe
