#pragma once
// Verifies a Python venv can start: pyvenv.cfg, its interpreter (through every symlink), the
// site-packages of its version, and the distributions the service needs. No interpreter is
// started: the probe never spawns processes.
#include <string>
#include <vector>

#include "healthprobe/core/check.h"

namespace healthprobe {

class VenvCheck : public Check {
 public:
  VenvCheck(std::string venv, std::vector<std::string> required)
      : venv_(std::move(venv)), required_(std::move(required)) {}

  std::string name() const override { return "venv:python"; }
  std::vector<Observation> run(const Deadline &deadline, Interruption &interruption) override;

 private:
  std::string venv_;
  std::vector<std::string> required_;
};

}  // namespace healthprobe
