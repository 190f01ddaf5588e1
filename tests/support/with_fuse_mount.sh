#!/bin/sh
# Runs a command whose mount table holds a FUSE filesystem, as a container with a network or FUSE
# volume has: in private mount and PID namespaces (needs root), DIR/mnt is a bindfs mount of
# DIR/src. With --hung the FUSE daemon is stopped before the command starts, so every call on the
# mount waits in the kernel, as on a network mount whose server stopped answering. /proc is the
# new PID namespace's own, so what a process reads of itself there is right. Nothing
# outlives the command: the PID namespace, and the daemon in it, end with it (and with this
# script, should it be killed: unshare --kill-child).
#   with_fuse_mount.sh [--hung] DIR -- CMD [ARG...]     exit: CMD's, or 125 if no mount was made
set -eu
hung=false
if [ "${1:-}" = --hung ]; then hung=true; shift; fi
[ "$#" -ge 3 ] && [ "$2" = -- ] || { echo "usage: with_fuse_mount.sh [--hung] DIR -- CMD..." >&2; exit 125; }
dir=$1
shift 2
mkdir -p "$dir/src" "$dir/mnt"
exec unshare --mount --propagation private --pid --fork --mount-proc --kill-child -- sh -c '
  hung=$1 dir=$2
  shift 2
  bindfs -f "$dir/src" "$dir/mnt" 2>"$dir/bindfs.log" &
  daemon=$!
  tries=0
  until mountpoint -q "$dir/mnt"; do
    tries=$((tries + 1))
    if [ "$tries" -gt 500 ] || ! kill -0 "$daemon" 2>/dev/null; then
      echo "with_fuse_mount: bindfs did not mount $dir/mnt: $(cat "$dir/bindfs.log")" >&2
      exit 125
    fi
    sleep 0.01
  done
  if [ "$hung" = true ]; then kill -STOP "$daemon"; fi
  "$@"
' with_fuse_mount "$hung" "$dir" "$@"
