"""Stand-in for the service's package-event consumer, `python -m src.sqs_consumer` (the ECS
container BenchlingPackageEventConsumer, added when PACKAGE_EVENT_QUEUE_URL's queue exists)."""

from .consumer_loop import run

if __name__ == "__main__":
    run("sqs_consumer", "PACKAGE_EVENT_QUEUE_URL")
