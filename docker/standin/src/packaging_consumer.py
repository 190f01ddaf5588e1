"""Stand-in for the service's packaging consumer, `python -m src.packaging_consumer` (the ECS
container BenchlingPackagingConsumer, added when PACKAGING_REQUEST_QUEUE_URL's queue exists).
Its heartbeat, /dev/shm/packaging-consumer-<pid>.hb, is what that container's health check matches."""

from .consumer_loop import run
from .heartbeat import Heartbeat

if __name__ == "__main__":
    run("packaging_consumer", "PACKAGING_REQUEST_QUEUE_URL", Heartbeat("packaging-consumer"))
