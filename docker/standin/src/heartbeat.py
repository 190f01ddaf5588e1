"""A consumer's heartbeat for healthprobe, standard library only.

One file per consumer process, /dev/shm/<kind>-<pid>.hb, which each container's health check
matches with its own glob (`--heartbeat /dev/shm/sqs-consumer-*.hb`). Call heartbeat() on every
turn of the loop; heartbeat(status, detail) when the consumer has something to say:
heartbeat("starting", "waiting for config") in wait_for_ready_config, heartbeat("ok", "polling")
once ready, heartbeat("fail", "queue unreachable") to be replaced although the loop still turns.
"""

import json
import os
import sys

HEARTBEAT_DIR = os.environ.get("HEARTBEAT_DIR", "/dev/shm")


class Heartbeat:
    def __init__(self, kind: str) -> None:
        self.file = os.path.join(HEARTBEAT_DIR, f"{kind}-{os.getpid()}.hb")
        self.warned = False

    def __call__(self, status: str | None = None, detail: str = "") -> None:
        try:
            if status is None:
                try:
                    os.utime(self.file)  # alive: the file's mtime is the heartbeat
                    return
                except FileNotFoundError:
                    status = "ok"
            # Written whole, then renamed over the heartbeat: the probe never reads half a file.
            # The temporary name starts with "." so the probe's glob never counts it.
            directory, name = os.path.split(self.file)
            temporary = os.path.join(directory, f".{name}.tmp")
            with open(temporary, "w") as f:
                json.dump({"status": status, "detail": detail}, f)
            os.replace(temporary, self.file)
        except OSError as e:
            # Never stop the consumer over its heartbeat (a laptop without /dev/shm): the probe
            # reports a missing or stale heartbeat by itself.
            if not self.warned:
                print(f"heartbeat: cannot write {self.file}: {e}", file=sys.stderr, flush=True)
                self.warned = True
