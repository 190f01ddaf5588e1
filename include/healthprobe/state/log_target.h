#pragma once
// What --log-to may append to. The operator names the target, but the path may lead elsewhere,
// and a line written into the wrong kind of file is not a log line at all.
//
// Appended to: a FIFO or pipe (PID 1's stdout, /proc/1/fd/1), a character device (a terminal,
// /dev/console, /dev/null), a regular file on storage. Refused before anything is written: a
// directory, a block device, a socket, and a regular file of a kernel interface (/proc/sys/...,
// /sys/...), where a write is a command to the kernel. Symlinks are followed (/proc/1/fd/1 is one)
// except one in a sticky, world-writable dir (/tmp, /dev/shm) that belongs to neither this user
// nor the dir's owner: anyone can plant such a link at a name the probe will write, pointing at
// any file its user may write (the kernel's fs.protected_symlinks rule, which may be off). The
// target is never created.
#include <string>

namespace healthprobe {

// A descriptor open for appending without blocking (O_NONBLOCK: a full pipe drops the line), or -1
// with why set: "cannot open /x: No such file or directory", "/proc/... is a file of procfs, ...".
int open_log_target(const std::string &target, std::string &why);

}  // namespace healthprobe
