#!/usr/bin/env bash
# Runs a command as a container on cgroup v1 sees its cgroups: in a private mount namespace where
# /sys/fs/cgroup/memory is this process's own memory cgroup, bind-mounted over the hierarchy, while
# /proc/self/cgroup still names the host's path (Docker on cgroup v1, and ECS). The probe's OOM
# check then finds its counter through the mount table, as it does in such a container; on the
# host it finds it at the usual place. Needs root (unshare --mount).
# Usage: bash bench/own-cgroup-view.sh COMMAND [ARG...]
set -euo pipefail

if [ "$#" -lt 1 ]; then
  echo "usage: $0 COMMAND [ARG...]" >&2
  exit 64
fi
if [ "${1:-}" != "--inside" ]; then
  exec unshare --mount --propagation private bash "${BASH_SOURCE[0]}" --inside "$@"
fi
shift
path="$(awk -F: '$2 ~ /(^|,)memory(,|$)/ { print $3 }' /proc/self/cgroup)"
if [ -z "$path" ] || [ ! -d "/sys/fs/cgroup/memory$path" ]; then
  echo "own-cgroup-view: no cgroup v1 memory hierarchy with this process's cgroup here" >&2
  exit 1
fi
if [ "$path" != "/" ]; then
  mount --bind "/sys/fs/cgroup/memory$path" /sys/fs/cgroup/memory
fi
exec "$@"
