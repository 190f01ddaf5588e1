"""The version /health reports, found the way the service finds its own: BUILD_VERSION (the image
sets it from the VERSION build argument, the git tag without its "v"), else pyproject.toml's
project.version next to src/, else "unknown"."""

import os
import tomllib
from pathlib import Path


def get_version() -> str:
    # An empty BUILD_VERSION (an image built without VERSION) counts as unset.
    if build_version := os.environ.get("BUILD_VERSION"):
        return build_version
    try:
        with open(Path(__file__).parent.parent / "pyproject.toml", "rb") as f:
            return tomllib.load(f).get("project", {}).get("version", "unknown")
    except (OSError, tomllib.TOMLDecodeError):
        return "unknown"
