#include "huge_directory.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <stdexcept>

#include "process.h"

namespace test_support {

HugeDirectory::HugeDirectory(int count, const std::function<std::string(int)> &name_of) {
  std::string pattern = "/dev/shm/healthprobe-test-XXXXXX";
  if (mkdtemp(pattern.data()) != nullptr) {
    path_ = pattern;
  } else {
    path_ = fallback_ / "huge";
    if (mkdir(path_.c_str(), 0755) != 0) throw std::runtime_error("cannot make " + path_);
  }
  for (int i = 0; i < count; ++i) {
    const std::string name = path_ + "/" + name_of(i);
    const int fd = ::open(name.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
    if (fd < 0) throw std::runtime_error("cannot create " + name);
    ::close(fd);
  }
}

HugeDirectory::~HugeDirectory() {
  run_process({"rm", "-rf", path_}, minimal_env());
}

}  // namespace test_support
