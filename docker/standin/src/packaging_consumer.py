"""Stand-in for the service's packaging consumer, `python -m src.packaging_consumer` (the ECS
container BenchlingPackagingConsumer, added when PACKAGING_REQUEST_QUEUE_URL's queue exists)."""

from .consumer_loop import run

if __name__ == "__main__":
    run("packaging_consumer", "PACKAGING_REQUEST_QUEUE_URL")
