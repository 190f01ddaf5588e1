#pragma once
// The probe's one way to write its output: to a descriptor that may never drain (a pipe nobody
// reads, a terminal stopped with XOFF) without waiting past a time limit. It waits only in poll(2)
// and then writes at most PIPE_BUF bytes at once, which a pipe or FIFO that polled writable takes
// whole without blocking. The descriptor is left as it is: making a shared stdout non-blocking
// would change it for every process that shares it (the shell that started the probe, too).
//
// Async-signal-safe (poll, write, clock_gettime): the watchdogs' last words use it.
#include <chrono>
#include <cstddef>

namespace healthprobe {

// Writes all of data to fd unless `until` passes while fd takes no more; an `until` already past
// writes only what fd takes at once. Returns whether all of it was written.
bool write_within(int fd, const char *data, size_t size,
                  std::chrono::steady_clock::time_point until);

}  // namespace healthprobe
