"""The loop both stand-in consumers run, standard library only, shaped like the service's: an
asyncio loop of SQS long polls (`while not stop.is_set(): receive_messages()`, WaitTimeSeconds=20)
that SIGTERM or SIGINT ends between polls, the way `docker stop` and ECS (stopTimeout) stop it.
There is no queue to poll here: each poll waits out its 20 s, receives nothing and says so, so the
container runs, logs and stops like the real worker without touching the network."""

import asyncio
import os
import signal
import sys

# SQS's longest long poll, the service's setting.
WAIT_TIME_SECONDS = 20


def log(message: str) -> None:
    print(message, file=sys.stdout, flush=True)


async def long_poll(stop: asyncio.Event, seconds: float) -> bool:
    """Waits up to `seconds` for messages (none come); True when asked to stop meanwhile."""
    try:
        await asyncio.wait_for(stop.wait(), timeout=seconds)
        return True
    except asyncio.TimeoutError:
        return False


async def consume(name: str, queue_variable: str) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    queue = os.environ.get(queue_variable) or f"none ({queue_variable} is unset)"
    log(f"{name}: consuming {queue}, long polls of {WAIT_TIME_SECONDS}s")
    polls = 0
    while not stop.is_set():
        if await long_poll(stop, WAIT_TIME_SECONDS):
            break
        polls += 1
        log(f"{name}: poll {polls}: 0 messages")
    log(f"{name}: stopped after {polls} polls")
    return 0


def run(name: str, queue_variable: str) -> None:
    raise SystemExit(asyncio.run(consume(name, queue_variable)))
