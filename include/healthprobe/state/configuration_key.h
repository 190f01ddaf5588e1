#pragma once
// Which configuration a state file belongs to. Two configurations that share a state dir (the
// image's HEALTHCHECK and a `docker exec C healthprobe --venv none`; liveness and readiness probes
// of one pod) judge different things, so one file for both would log a false change on every run.
// The file name carries a short hash of everything that decides the verdict, and of the user (who
// may write what), so each configuration keeps its own last verdict.
#include <string>

#include "healthprobe/parsing/options.h"

namespace healthprobe {

// "healthprobe-1a2b3c4d.state". Hashed: the URL without its query and the header names without
// their values (either may hold a secret, and the name is visible to anyone who can list the dir);
// the accepted codes, venv, requirements, writable dirs, minimum free space, deadline, log target
// and uid. Not hashed: what only changes the output (format, -q, -v) and the state dir itself.
std::string state_file_name(const Options &options, unsigned uid);

}  // namespace healthprobe
