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
  // Reads envp on demand instead of copying it: a run looks up about a dozen names, and copying
  // every variable into a map was a measurable share of a run (bench/STARTUP.md). envp must outlive
  // the Environment (the process's environ does).
  static Environment from_envp(char **envp);

  // An empty variable counts as unset: `HEALTHPROBE_VENV=` in a Dockerfile means "no value".
  // A name set twice in envp: the first wins, as with getenv.
  std::optional<std::string> get(const std::string &name) const;

 private:
  std::map<std::string, std::string> variables_;
  char **envp_ = nullptr;
};

}  // namespace healthprobe
