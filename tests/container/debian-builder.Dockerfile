# builder, the Debian way (spliced into the derived Containerfile by derive.js in place of the real
# builder stage, of the drop-in and of today's image alike). The real builders run uv against PyPI,
# which nothing here can reach, so this one makes the same thing with Debian's own tools: a venv at
# /app/.venv whose bin/python is the interpreter the runtime stage has, the project installed as a
# wheel (its dist-info is what HEALTHPROBE_REQUIRE checks), no pip inside it (uv's venvs have none),
# everything byte-compiled (as UV_COMPILE_BYTECODE=1 and the real compileall step do), and the app
# under /app/src.
FROM base AS builder
ARG PYTHON_VERSION
# The service's third-party dependencies, modelled (no PyPI here): Debian's builds of the same
# projects (gunicorn, uvicorn, boto3/botocore, ...), their files copied from dist-packages into the
# venv, where uv would have installed the wheels. run.sh sets the list as the global ARG's default
# (derive.js --default VENV_EXTRAS=...); empty: none.
ARG VENV_EXTRAS
# First, so a build that changes only VENV_PYTHON reuses this layer.
RUN mkdir -p /opt/extras \
 && if [ -n "$VENV_EXTRAS" ]; then \
      ls /usr/lib/python3/dist-packages | sort >/tmp/before \
      && apt-get update -qq \
      && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $VENV_EXTRAS >/dev/null \
      && ls /usr/lib/python3/dist-packages | sort >/tmp/after \
      && comm -13 /tmp/before /tmp/after | while read -r entry; do cp -a "/usr/lib/python3/dist-packages/$entry" /opt/extras/; done; \
    fi
# The interpreter the venv is made with. The default is the runtime's own. The dangling-venv case
# passes a path that exists only in this stage: the classic multi-stage mistake (a venv made against
# /usr/local/bin/python3 of a builder image, run on a base whose Python lives elsewhere).
ARG VENV_PYTHON=/usr/bin/python${PYTHON_VERSION}
RUN test -x "/usr/bin/python${PYTHON_VERSION}" \
 && if [ "$VENV_PYTHON" != "/usr/bin/python${PYTHON_VERSION}" ]; then \
      mkdir -p "$(dirname "$VENV_PYTHON")" && ln -s "/usr/bin/python${PYTHON_VERSION}" "$VENV_PYTHON"; \
    fi
# pip and wheel live in a tool venv of their own (offline, from Debian's bundled wheels), so the
# app's venv gets no pip; pip's --python installs into a venv that has none.
RUN "/usr/bin/python${PYTHON_VERSION}" -m venv /opt/tools \
 && /opt/tools/bin/pip install -q --no-cache-dir --no-index --find-links /usr/share/python-wheels wheel
# From the build context, the service's docker/ directory, the paths the real builder copies.
COPY pyproject.toml uv.lock /app/
COPY src/ /app/src/
RUN /opt/tools/bin/pip wheel -q --no-cache-dir --no-deps --no-index --no-build-isolation -w /wheels /app \
 && rm -rf /app/build /app/*.egg-info \
 && "$VENV_PYTHON" -m venv --without-pip /app/.venv \
 && cp -a /opt/extras/. "/app/.venv/lib/python${PYTHON_VERSION}/site-packages/" \
 && /opt/tools/bin/pip --python /app/.venv/bin/python install -q --no-cache-dir --no-deps --no-index /wheels/*.whl \
 && /app/.venv/bin/python -m compileall -q --invalidation-mode unchecked-hash /app/src
