#pragma once
// What a worker container gives its consumer and its health check, in a scratch dir: a private
// /dev/shm for the heartbeats, the probe's state dir and the --log-to file (empty, as a container's
// log starts).
#include <sys/stat.h>

#include <stdexcept>
#include <string>

#include "temp_dir.h"

namespace test_support {

struct WorkerScratch {
  TempDir dir;
  const std::string shm = dir / "shm";
  const std::string state = dir / "state";
  const std::string log = dir / "container.log";

  WorkerScratch() {
    if (::mkdir(shm.c_str(), 0755) != 0 || ::mkdir(state.c_str(), 0700) != 0)
      throw std::runtime_error("cannot make the worker's scratch dirs under " + dir.path());
    write_file(log, "");
  }
};

}  // namespace test_support
