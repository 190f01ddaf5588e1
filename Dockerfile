# syntax=docker/dockerfile:1.17@sha256:38387523653efa0039f8e1c89bb74a30504e76ee9f565e25c9a09841f9427b05
#
# healthprobe's own image: FROM scratch, holding only the static /healthprobe, one per platform, for
# `COPY --from=` in any service's Dockerfile (docker/Dockerfile takes it through HEALTHPROBE_IMAGE).
# This is what .github/workflows/release.yml publishes. The build context is this repository's root;
# .dockerignore sends only what the builder reads.
#
#   docker buildx build --platform linux/amd64,linux/arm64 -t REGISTRY/healthprobe:X.Y.Z .
#   docker buildx build --output type=local,dest=out .          # out/healthprobe, the build's arch
#
# The syntax line is pinned by digest, so the frontend that parses this file cannot change under us.

# Debian bookworm builds the probe: the same distribution and package versions as the probe's CI,
# through the same scripts/setup-deps.sh. The digest is the tag's multi-platform index (OCI index:
# amd64, arm64 and others), as published in docker-library/repo-info for debian:bookworm-20260918, so
# the builder stage resolves to the build machine's own arch on either kind of machine. Renovate and
# docker/update-base-digest.sh keep it current; never one platform's manifest digest.
ARG PROBE_BUILDER_IMAGE=docker.io/library/debian:bookworm-20260918@sha256:f37a335e82bca302e955fa39f9dfe28f1be618f016f8a2b56318e5a5111afc26

# ---------------------------------------------------------------------------------------------
# probe-builder: the static healthprobe, built from this repository exactly as CI builds it.
# ---------------------------------------------------------------------------------------------
# The stage runs on the build machine's own platform ($BUILDPLATFORM) and cross-compiles for the
# image's ($TARGETARCH), so a multi-platform build emulates nothing and each image gets its own
# arch's probe: `release` when the two are the same, `release-arm64` (Debian's aarch64 cross
# toolchain, cmake/toolchains/aarch64-linux-gnu.cmake) from amd64 to arm64.
FROM --platform=$BUILDPLATFORM ${PROBE_BUILDER_IMAGE} AS probe-builder
ARG TARGETARCH
ARG BUILDARCH
WORKDIR /src
# Only the scripts the set-up runs, and the patches it applies to cpp-httplib: their layer (Debian
# packages, cross toolchain, the checked header) stays cached until they change; editing a test
# script rebuilds nothing.
COPY scripts/setup-deps.sh scripts/ensure-packages.sh scripts/
COPY scripts/patches/ scripts/patches/
RUN if [ "$TARGETARCH" = "$BUILDARCH" ]; then ./scripts/setup-deps.sh --build-only; \
    else ./scripts/setup-deps.sh --build-only --arch "$TARGETARCH"; fi
COPY CMakeLists.txt CMakePresets.json ./
COPY cmake/ cmake/
COPY include/ include/
COPY src/ src/
# The release preset (static, stripped, size-optimised). Its test suite runs in CI, not here, so
# the tests are switched off rather than copied in. The stage fails unless `file` says the binary
# is static and built for TARGETARCH: nothing downstream copies a dynamically linked probe, or one
# of the wrong architecture (the "exec format error" that never turns healthy). A native probe
# also runs once here.
RUN case "$BUILDARCH/$TARGETARCH" in \
      amd64/amd64|arm64/arm64) preset=release ;; \
      amd64/arm64) preset=release-arm64 ;; \
      *) echo "probe-builder: no preset builds $TARGETARCH on $BUILDARCH" >&2; exit 1 ;; \
    esac \
 && case "$TARGETARCH" in amd64) arch='x86-64' ;; arm64) arch='ARM aarch64' ;; esac \
 && cmake --preset "$preset" -DHEALTHPROBE_TESTS=OFF \
 && cmake --build --preset "$preset" \
 && file "build/$preset/healthprobe" \
 && file "build/$preset/healthprobe" | grep -Eq 'statically linked|static-pie linked' \
 && { file "build/$preset/healthprobe" | grep -q "$arch" \
      || { echo "probe-builder: the probe is not $arch (TARGETARCH=$TARGETARCH)" >&2; exit 1; }; } \
 && if [ "$preset" = release ]; then "build/$preset/healthprobe" --version; fi \
 && install -D -m 0755 "build/$preset/healthprobe" /out/healthprobe

# ---------------------------------------------------------------------------------------------
# probe: the image itself (the last stage, so the default): only the binary. `--output
# type=local,dest=DIR` exports it as a file.
# ---------------------------------------------------------------------------------------------
FROM scratch AS probe
COPY --from=probe-builder /out/healthprobe /healthprobe
ENTRYPOINT ["/healthprobe"]
