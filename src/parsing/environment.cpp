#include "healthprobe/parsing/environment.h"

#include <cstring>

namespace healthprobe {

Environment Environment::from_envp(char **envp) {
  std::map<std::string, std::string> variables;
  for (char **entry = envp; entry != nullptr && *entry != nullptr; ++entry) {
    const char *equals = std::strchr(*entry, '=');
    if (equals == nullptr) continue;
    variables.emplace(std::string(*entry, static_cast<size_t>(equals - *entry)),
                      std::string(equals + 1));
  }
  return Environment(std::move(variables));
}

std::optional<std::string> Environment::get(const std::string &name) const {
  const auto found = variables_.find(name);
  if (found == variables_.end() || found->second.empty()) return std::nullopt;
  return found->second;
}

}  // namespace healthprobe
