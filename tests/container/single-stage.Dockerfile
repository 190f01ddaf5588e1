# The size baseline on the local Debian base: docker/Dockerfile.single-stage (the image before any
# rework) step for step, with Debian's names. Built like it, from the service's directory. Never shipped; run.sh builds it only to measure what
# the multi-stage build saves. Same base, app and modelled dependencies (VENV_EXTRAS) as the
# runtime-contract image, so the difference is the build method:
#   the old image                          here
#   python:3.14-slim (pip included)        the local base + python3-pip
#   apt-get install curl                   apt-get install curl
#   pip install --no-cache-dir uv          NOT POSSIBLE (no PyPI): uv's ~35-40 MB are missing, so this
#                                          baseline is smaller than the real one; the reduction
#                                          measured here is a lower bound
#   uv sync --frozen --no-dev (as root)    a venv with the same dependencies (Debian's builds,
#                                          copied in as the contract builder does) + pip install .
#   chown -R appuser /app /home/appuser    the same: a layer with a second copy of the venv
# No compiler, no -dev packages: the old image had none.
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
ARG PYTHON_VERSION=3.11
ARG VENV_EXTRAS=
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-pip curl ca-certificates >/dev/null \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --gid 1000 appuser \
 && useradd --uid 1000 --gid appuser --create-home appuser
WORKDIR /app
ENV PORT=8080
COPY pyproject.toml uv.lock ./
COPY src/ ./src/
# uv sync, as root, the pip way: the venv with the dependencies (installed from Debian, copied into
# the venv, then removed from the system in the same layer, so only the venv's copy counts) and
# the project itself; pip's cache left in /root/.cache as uv's was (no cache mount then).
RUN "python${PYTHON_VERSION}" -m venv .venv \
 && if [ -n "$VENV_EXTRAS" ]; then \
      ls /usr/lib/python3/dist-packages | sort >/tmp/before \
      && apt-get update -qq \
      && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $VENV_EXTRAS >/dev/null \
      && ls /usr/lib/python3/dist-packages | sort >/tmp/after \
      && comm -13 /tmp/before /tmp/after | while read -r entry; do \
           cp -a "/usr/lib/python3/dist-packages/$entry" ".venv/lib/python${PYTHON_VERSION}/site-packages/"; done \
      && DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq --autoremove $VENV_EXTRAS >/dev/null \
      && apt-get clean && rm -rf /var/lib/apt/lists/* /tmp/before /tmp/after; \
    fi \
 && .venv/bin/pip install -q --no-index --find-links /usr/share/python-wheels wheel \
 && .venv/bin/pip install -q --no-deps --no-index --no-build-isolation .
# The old image's ownership step: a new layer with a second copy of everything under /app.
RUN chown -R appuser:appuser /app /home/appuser
USER appuser
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=10s --start-period=5s --retries=3 \
    CMD curl -f "http://localhost:${PORT}/health" || exit 1
CMD [".venv/bin/python", "-m", "src.app"]
