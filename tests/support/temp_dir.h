#pragma once
// A fresh directory under /tmp, removed with everything in it when the test ends.
#include <string>

namespace test_support {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir &) = delete;
  TempDir &operator=(const TempDir &) = delete;

  const std::string &path() const { return path_; }
  std::string operator/(const std::string &name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Names in dir (no "." or ".."), sorted: to prove a probe left nothing behind.
std::string list_names(const std::string &dir);
void write_file(const std::string &path, const std::string &content);
std::string read_file(const std::string &path);

}  // namespace test_support
