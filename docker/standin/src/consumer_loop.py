"""The loop both stand-in consumers run, standard library only, shaped like the service's: first
wait_for_ready_config, which retries until the consumer's configuration is complete (the service
waits for its secrets; the stand-in for BenchlingSecret, which in a container is set or never will
be), then an asyncio loop of SQS long polls (`while not stop.is_set(): receive_messages()`,
WaitTimeSeconds=20) that SIGTERM or SIGINT ends between polls, the way `docker stop` and ECS
(stopTimeout) stop it. Every turn of either loop is a heartbeat (heartbeat.py), which the
container's health check reads. There is no queue to poll here: each poll waits out its 20 s,
receives nothing and says so, so the container runs, logs and stops like the real worker without
touching the network."""

import asyncio
import os
import signal
import sys

from .heartbeat import Heartbeat

# SQS's longest long poll, the service's setting. STANDIN_LONG_POLL_SECONDS shortens it for tests
# that stop a consumer and wait for its heartbeat to go stale: the stand-in's knob, not the service's.
WAIT_TIME_SECONDS = float(os.environ.get("STANDIN_LONG_POLL_SECONDS") or 20)
# How often wait_for_ready_config looks again: well inside the health check's maximum age, since
# each look is a heartbeat.
CONFIG_RETRY_SECONDS = WAIT_TIME_SECONDS / 2


def log(message: str) -> None:
    print(message, file=sys.stdout, flush=True)


async def long_poll(stop: asyncio.Event, seconds: float) -> bool:
    """Waits up to `seconds` for messages (none come); True when asked to stop meanwhile."""
    try:
        await asyncio.wait_for(stop.wait(), timeout=seconds)
        return True
    except asyncio.TimeoutError:
        return False


async def wait_for_ready_config(name: str, stop: asyncio.Event, heartbeat: Heartbeat) -> bool:
    """True once the configuration is complete; False when asked to stop first."""
    said = False
    while not os.environ.get("BenchlingSecret"):
        # Alive but not working yet: the probe reports it as degraded, not as a dead loop.
        heartbeat("starting", "waiting for config")
        if not said:
            log(f"{name}: waiting for config (BenchlingSecret is unset)")
            said = True
        if await long_poll(stop, CONFIG_RETRY_SECONDS):
            return False
    return True


async def consume(name: str, queue_variable: str, heartbeat: Heartbeat) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    polls = 0
    if await wait_for_ready_config(name, stop, heartbeat):
        heartbeat("ok", "polling")
        queue = os.environ.get(queue_variable) or f"none ({queue_variable} is unset)"
        log(f"{name}: consuming {queue}, long polls of {WAIT_TIME_SECONDS:g}s")
        while not stop.is_set():
            heartbeat()  # one turn of the loop: the heartbeat's age is how long this turn takes
            if await long_poll(stop, WAIT_TIME_SECONDS):
                break
            polls += 1
            log(f"{name}: poll {polls}: 0 messages")
    log(f"{name}: stopped after {polls} polls")
    return 0


def run(name: str, queue_variable: str, heartbeat: Heartbeat) -> None:
    raise SystemExit(asyncio.run(consume(name, queue_variable, heartbeat)))
