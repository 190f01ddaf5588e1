#pragma once
// Which of the two ways to keep the run's deadline this run needs, and why.
//
// A timer signal (AlarmWatchdog) costs a few system calls and ends every wait a signal can end: the
// HTTP check's, and file system calls on local filesystems. A watchdog thread (Watchdog) costs a
// thread's creation and exit, and is the only way to end a run whose check sleeps in the kernel
// where no signal reaches it: a file system call on a network or FUSE mount whose server stopped
// answering. So a run takes the thread only when it touches files (a venv, a writable dir, the
// change log's state) and the mount table holds a filesystem that can hang that way; a run that
// cannot start a thread (RLIMIT_NPROC) falls back to the timer.
#include <string>

#include "healthprobe/checks/mount_table_file.h"

namespace healthprobe {

struct DeadlineKeeper {
  bool thread = false;  // else the timer
  std::string why;      // for -v: what made the choice
};

// touches_files: whether any step of the run makes a file system call on a path it was given.
// mounts: the run's one copy of mountinfo, read here only when touches_files and mountstats
// cannot be read.
DeadlineKeeper choose_deadline_keeper(bool touches_files, MountTableFile &mounts);

}  // namespace healthprobe
