#pragma once
// What a thread is doing right now, from the kernel's view (/proc/self/task/TID/stat): the give-up
// message tells a check still working at the deadline (parsing a flood, listing a huge
// site-packages) from one blocked in a system call (a hung network mount).
#include <sys/types.h>

namespace healthprobe {

enum class ThreadActivity {
  Running,  // on a CPU or ready to run (state R)
  Blocked,  // sleeping or stopped in the kernel (S, D, T, t...)
  Unknown,  // no /proc, or a state we do not know
};

ThreadActivity activity_of(pid_t thread_id);

}  // namespace healthprobe
