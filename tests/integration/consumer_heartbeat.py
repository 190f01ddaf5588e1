# The heartbeat a queue consumer keeps for healthprobe (HEALTHPROBE_HEARTBEAT=/dev/shm/consumer-*.hb),
# stdlib only. Call heartbeat() once per turn of the loop, and heartbeat(status, detail) when the
# consumer has something to say: heartbeat("starting", "waiting for config") in
# wait_for_ready_config, heartbeat("ok", "polling") once it is ready.
import json
import os

HEARTBEAT_FILE = os.path.join(
    os.environ.get("HEARTBEAT_DIR", "/dev/shm"), f"consumer-{os.getpid()}.hb"
)


def heartbeat(status=None, detail=""):
    if status is None:
        try:
            os.utime(HEARTBEAT_FILE)  # alive: the file's mtime is the heartbeat
            return
        except FileNotFoundError:
            status = "ok"
    # Written whole, then renamed over the heartbeat: the probe never reads half a file. The
    # temporary name starts with "." so the probe's glob never counts it.
    directory, name = os.path.split(HEARTBEAT_FILE)
    temporary = os.path.join(directory, f".{name}.tmp")
    with open(temporary, "w") as f:
        json.dump({"status": status, "detail": detail}, f)
    os.replace(temporary, HEARTBEAT_FILE)
