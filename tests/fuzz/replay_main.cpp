// Replays corpus files through a harness's LLVMFuzzerTestOneInput in builds without libFuzzer
// (dev, asan), so every committed input, crashes found earlier included, is an ordinary test.
//   fuzz_<name> DIR_OR_FILE...                  each input must pass the harness's properties
//   fuzz_<name> --known-crashes DIR_OR_FILE...  each input must still fail (a known, unfixed bug);
//                                               one that passes is fixed: move it into the corpus
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz_support.h"

namespace {

std::vector<std::filesystem::path> inputs_in(const std::vector<std::string> &args) {
  std::vector<std::filesystem::path> files;
  for (const auto &arg : args) {
    if (std::filesystem::is_directory(arg)) {
      for (const auto &entry : std::filesystem::directory_iterator(arg)) {
        if (entry.is_regular_file()) files.push_back(entry.path());
      }
    } else {
      files.emplace_back(arg);
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string read_file(const std::filesystem::path &path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void run_one(const std::string &input) {
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t *>(input.data()), input.size());
}

// Runs the input in a child so that its crash is observed rather than suffered.
bool crashes(const std::string &input) {
  std::fflush(nullptr);
  const pid_t child = fork();
  if (child == 0) {
    const rlimit no_core{0, 0};
    setrlimit(RLIMIT_CORE, &no_core);  // an expected crash must not leave a core file behind
    run_one(input);
    _exit(0);
  }
  int status = 0;
  if (child < 0 || waitpid(child, &status, 0) != child) return false;
  return !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

}  // namespace

int main(int argc, char **argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  const bool known_crashes = !args.empty() && args.front() == "--known-crashes";
  if (known_crashes) args.erase(args.begin());
  const auto files = inputs_in(args);
  if (files.empty()) {
    std::fprintf(stderr, "replay: no corpus files found\n");
    return 1;
  }
  int fixed = 0;
  for (const auto &file : files) {
    const std::string input = read_file(file);
    if (!known_crashes) {
      std::fprintf(stderr, "replay: %s\n", file.c_str());
      run_one(input);
    } else if (!crashes(input)) {
      std::fprintf(stderr,
                   "replay: %s no longer fails: the bug is fixed, move it into the corpus\n",
                   file.c_str());
      ++fixed;
    } else {
      std::fprintf(stderr, "replay: %s still fails (known bug)\n", file.c_str());
    }
  }
  std::fprintf(stderr, "replay: %zu inputs\n", files.size());
  return fixed == 0 ? 0 : 1;
}
