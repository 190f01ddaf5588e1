#pragma once
// The process environment as a value, so option parsing can be tested without setenv.
#include <map>
#include <optional>
#include <string>

namespace healthprobe {

class Environment {
 public:
  Environment() = default;
  explicit Environment(std::map<std::string, std::string> variables)
      : variables_(std::move(variables)) {}
  static Environment from_envp(char **envp);

  // An empty variable counts as unset: `HEALTHPROBE_VENV=` in a Dockerfile means "no value".
  std::optional<std::string> get(const std::string &name) const;

 private:
  std::map<std::string, std::string> variables_;
};

}  // namespace healthprobe
