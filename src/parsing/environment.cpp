#include "healthprobe/parsing/environment.h"

#include <cstring>

namespace healthprobe {

Environment Environment::from_envp(char **envp) {
  Environment env;
  env.envp_ = envp;
  return env;
}

std::optional<std::string> Environment::get(const std::string &name) const {
  const char *value = nullptr;
  if (envp_ != nullptr) {
    for (char **entry = envp_; *entry != nullptr; ++entry) {
      // The first byte first: most entries differ there, and a call to strncmp costs more.
      if ((*entry)[0] != name[0]) continue;
      if (std::strncmp(*entry, name.c_str(), name.size()) == 0 && (*entry)[name.size()] == '=') {
        value = *entry + name.size() + 1;
        break;
      }
    }
  } else if (const auto found = variables_.find(name); found != variables_.end()) {
    value = found->second.c_str();
  }
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::string(value);
}

}  // namespace healthprobe
