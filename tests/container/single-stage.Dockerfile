# The size baseline on the local Debian base: docker/Dockerfile.single-stage ("the old way") line for
# line, with Debian's names. Never shipped; run.sh builds it only to measure what the multi-stage
# build saves. Same base and app as the runtime-contract image, so the difference is the method:
# compiler, headers, pip and curl stay in the final image, and so does the installer's cache.
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
ARG PYTHON_VERSION=3.11
# dnf install python3.X python3.X-devel python3.X-pip gcc make shadow-utils (+ curl-minimal, which the
# AL2023 base image ships) && dnf clean all. `pip install uv` cannot run here (no PyPI), so pip itself
# is the installer below; uv's ~40 MB binary is missing from this baseline, which only makes it
# smaller than the real one and the measured reduction a lower bound.
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      "python${PYTHON_VERSION}-dev" python3-pip gcc make curl ca-certificates >/dev/null \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --uid 1000 --user-group --create-home appuser
WORKDIR /app
COPY --chown=appuser:appuser docker/example-webhook/ /app/
USER appuser
ENV PORT=8080
# uv sync --frozen --no-dev, the pip way: a venv in the project, pip inside it, the cache left in
# ~/.cache as uv's was (the old image had no cache mount).
RUN "python${PYTHON_VERSION}" -m venv .venv \
 && .venv/bin/pip install -q --no-index --find-links /usr/share/python-wheels wheel \
 && .venv/bin/pip install -q --no-deps --no-index --no-build-isolation .
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=10s --start-period=5s --retries=3 \
    CMD curl -f "http://localhost:${PORT}/health" || exit 1
CMD [".venv/bin/python", "-m", "src.app"]
