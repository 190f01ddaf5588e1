#include "temp_dir.h"

#include <dirent.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace test_support {

TempDir::TempDir() {
  char pattern[] = "/tmp/healthprobe-test-XXXXXX";
  if (mkdtemp(pattern) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  // Tests may have made parts read-only: make everything writable again before removing it.
  nftw(
      path_.c_str(),
      [](const char *p, const struct stat *s, int, FTW *) {
        if (S_ISDIR(s->st_mode)) chmod(p, 0700);
        return 0;
      },
      32, FTW_PHYS);
  nftw(
      path_.c_str(), [](const char *p, const struct stat *, int, FTW *) { return remove(p); }, 32,
      FTW_DEPTH | FTW_PHYS);
}

std::string list_names(const std::string &dir) {
  std::vector<std::string> names;
  if (DIR *d = opendir(dir.c_str())) {
    while (const dirent *entry = readdir(d)) {
      const std::string name = entry->d_name;
      if (name != "." && name != "..") names.push_back(name);
    }
    closedir(d);
  }
  std::sort(names.begin(), names.end());
  std::string out;
  for (const auto &name : names) out += name + "\n";
  return out;
}

void write_file(const std::string &path, const std::string &content) {
  std::ofstream(path, std::ios::binary) << content;
}

std::string read_file(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

}  // namespace test_support
