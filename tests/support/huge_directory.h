#pragma once
// A directory of many empty files (a huge site-packages), on tmpfs when there is one, where
// creating them is fastest. Removed with its contents when the test ends.
#include <functional>
#include <string>

#include "temp_dir.h"

namespace test_support {

class HugeDirectory {
 public:
  // name_of(i) names the i-th file, for i in [0, count).
  HugeDirectory(int count, const std::function<std::string(int)> &name_of);
  ~HugeDirectory();
  HugeDirectory(const HugeDirectory &) = delete;
  HugeDirectory &operator=(const HugeDirectory &) = delete;
  const std::string &path() const { return path_; }

 private:
  TempDir fallback_;
  std::string path_;
};

}  // namespace test_support
