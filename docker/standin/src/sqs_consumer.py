"""Stand-in for the service's package-event consumer, `python -m src.sqs_consumer` (the ECS
container BenchlingPackageEventConsumer, added when PACKAGE_EVENT_QUEUE_URL's queue exists).
Its heartbeat, /dev/shm/sqs-consumer-<pid>.hb, is what that container's health check matches."""

from .consumer_loop import run
from .heartbeat import Heartbeat

if __name__ == "__main__":
    run("sqs_consumer", "PACKAGE_EVENT_QUEUE_URL", Heartbeat("sqs-consumer"))
