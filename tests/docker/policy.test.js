'use strict';
// The images' policy, asserted on the real files and, rule by rule, on broken fixtures:
// a rule that does not fire on the fixture made to break it proves nothing when the real file passes.
//   docker/Dockerfile            the drop-in: the service's image, built from the service's docker/
//   docker/standin/Dockerfile    the service's image as it is today (a model; the drop-in replaces it)
//   Dockerfile                   this repository's probe image (what release.yml publishes)

const { describe, test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const policy = require('./policy');
const { parseDuration, probeDeadline } = require('./duration');

const repo = path.resolve(__dirname, '..', '..');
const standin = path.join(repo, 'docker', 'standin');
const fixtures = path.join(__dirname, 'fixtures');
const read = (...p) => fs.readFileSync(path.join(...p), 'utf8');
const rules = (violations) => [...new Set(violations.map((v) => v.rule))].sort();
const show = (violations) => violations.map((v) => `  ${v.rule} (line ${v.line}): ${v.message}`).join('\n');
const stage = (parsed, name) => parsed.stages.find((s) => s.name === name);
const texts = (s, keyword) => s.instructions.filter((i) => i.keyword === keyword).map((i) => i.text);
const oneLine = (text) => text.replace(/\\\r?\n\s*/g, ' ').replace(/\s+/g, ' ').trim();
// The exec-form argv of a CMD/RUN instruction.
const argv = (text) => JSON.parse(oneLine(text).replace(/^\w+\s+/, ''));

const dockerfile = read(repo, 'docker', 'Dockerfile');
const parsed = policy.parse(dockerfile);
const runtime = parsed.stages[parsed.stages.length - 1];
const runtimeEnv = policy.envOf(parsed, runtime);
const today = read(standin, 'Dockerfile');
const todayParsed = policy.parse(today);
const todayRuntime = todayParsed.stages[todayParsed.stages.length - 1];

// The shell-form command of today's image, as the list of words sh -c runs.
function todaysServerCommand() {
  const cmd = oneLine(texts(todayRuntime, 'CMD')[0]);
  const inner = /sh -c "(.*)"$/.exec(cmd)[1];
  return inner.match(/'[^']*'|\S+/g).map((w) => w.replace(/^'|'$/g, ''));
}

describe('docker/Dockerfile: the drop-in', () => {
  test('passes every rule and lints without errors', () => {
    const v = policy.checkDockerfile(dockerfile);
    assert.deepEqual(v, [], `violations:\n${show(v)}`);
  });

  test('its last stage (the default, no --target) is the production service; no other way to build it', () => {
    assert.deepEqual(parsed.stages.map((s) => s.name), ['healthprobe', 'uv', 'base', 'builder', 'runtime']);
    assert.equal(stage(parsed, 'builder').image, 'base');
    assert.equal(runtime.image, 'base', 'runtime is built FROM the shared base');
    assert.equal(stage(parsed, 'healthprobe').image, '${HEALTHPROBE_IMAGE}');
    assert.deepEqual(argv(texts(runtime, 'CMD')[0]).slice(0, 4), ['/app/.venv/bin/python', '-m', 'gunicorn', 'src.app:create_app()']);
    // Every --from names a stage of this file: no named build context (--build-context) is needed.
    const names = new Set(parsed.stages.map((s) => s.name));
    for (const i of parsed.stages.flatMap((s) => s.instructions)) {
      const from = (i.ins.getFlags ? i.ins.getFlags() : []).find((f) => f.getName() === 'from');
      if (from) assert.ok(names.has(from.getValue()), `${i.text} names no stage of this file`);
    }
  });

  test('reads only pyproject.toml, uv.lock and src/ from its context: the service\'s docker/ (here the stand-in)', () => {
    const sources = parsed.stages.flatMap((s) => s.instructions)
      .filter((i) => i.keyword === 'COPY' && !/--from=/.test(i.text))
      .flatMap((i) => oneLine(i.text).split(' ').slice(1).filter((w) => !w.startsWith('--')).slice(0, -1));
    const mounts = parsed.stages.flatMap((s) => s.instructions).filter((i) => i.keyword === 'RUN')
      .flatMap((i) => [...i.text.matchAll(/--mount=type=bind,source=([^,\s]+)/g)].map((m) => m[1]));
    assert.deepEqual([...new Set([...sources, ...mounts])].sort(), ['pyproject.toml', 'src/', 'uv.lock']);
    for (const f of ['pyproject.toml', 'uv.lock', 'src']) assert.ok(fs.existsSync(path.join(standin, f)), `docker/standin/${f}`);
  });

  test('HEALTHPROBE_IMAGE: the one image left to the caller, and only until the probe\'s first release', () => {
    // The rule: no default while no release of the probe exists (every build passes
    // --build-arg HEALTHPROBE_IMAGE=...), then that release's tag and index digest. Never a tag
    // alone, never a moving tag (fixtures pinned-from-probe-tag, probe-image), never an invented digest.
    assert.ok(parsed.requiredArgs.has('HEALTHPROBE_IMAGE') || 'HEALTHPROBE_IMAGE' in parsed.globalArgs, 'ARG HEALTHPROBE_IMAGE is declared');
    if ('HEALTHPROBE_IMAGE' in parsed.globalArgs) {
      assert.match(parsed.globalArgs.HEALTHPROBE_IMAGE, /^ghcr\.io\/[a-z0-9-]+\/healthprobe:\d+\.\d+\.\d+@sha256:[0-9a-f]{64}$/);
    }
    assert.deepEqual([...parsed.requiredArgs].filter((a) => a !== 'VERSION'), parsed.requiredArgs.has('HEALTHPROBE_IMAGE') ? ['HEALTHPROBE_IMAGE'] : []);
    // The probe comes from that image, into the runtime stage, root-owned.
    assert.ok(texts(runtime, 'COPY').includes('COPY --from=healthprobe /healthprobe /usr/local/bin/healthprobe'));
  });

  test('the runtime environment is the service\'s contract and configures the probe', () => {
    assert.match(runtimeEnv.PATH, /^\/app\/\.venv\/bin:/);
    assert.equal(runtimeEnv.PORT, '8080');
    assert.equal(runtimeEnv.PYTHONUNBUFFERED, '1');
    assert.equal(runtimeEnv.PYTHONPATH, '/app');
    assert.equal(runtimeEnv.APP_ENV, 'production');
    // VERSION as the service's CI passes it (the tag without "v"); unset, the service falls back to
    // pyproject.toml's version, as it does today, so no default may mask that.
    assert.equal(runtimeEnv.BUILD_VERSION, '${VERSION}');
    assert.ok(parsed.requiredArgs.has('VERSION') && !('VERSION' in parsed.globalArgs), 'ARG VERSION has no default');
    assert.equal(runtimeEnv.UV_NO_CACHE, '1');
    assert.equal(runtimeEnv.UV_CACHE_DIR, '/tmp/.uv-cache');
    assert.equal(runtimeEnv.HEALTHPROBE_VENV, '/app/.venv');
    // Exactly what the server writes: gunicorn's heartbeat (--worker-tmp-dir /dev/shm). docker/README.md.
    assert.equal(runtimeEnv.HEALTHPROBE_WRITABLE, '/dev/shm');
    assert.match(runtimeEnv.XDG_CACHE_HOME, /^\/tmp\//, 'library caches go to the /tmp volume, not the read-only $HOME');
    assert.ok(parseDuration(runtimeEnv.HEALTHPROBE_TIMEOUT) > 0);
  });

  test('the same environment as today\'s image, variable for variable, plus the probe\'s', () => {
    const todayEnv = policy.envOf(todayParsed, todayRuntime);
    for (const [k, v] of Object.entries(todayEnv)) {
      assert.equal(runtimeEnv[k].replace(/"/g, ''), v.replace(/"/g, ''), `ENV ${k}`);
    }
    const added = Object.keys(runtimeEnv).filter((k) => !(k in todayEnv)).sort();
    assert.deepEqual(added.filter((k) => !k.startsWith('HEALTHPROBE_')), ['VIRTUAL_ENV', 'XDG_CACHE_HOME']);
  });

  test('the distribution the probe requires is the one the context installs', () => {
    const pyproject = read(standin, 'pyproject.toml');
    const lock = read(standin, 'uv.lock');
    const field = (text, key) => (new RegExp(`^${key} = "([^"]*)"`, 'm').exec(text) || [])[1];
    assert.equal(runtimeEnv.HEALTHPROBE_REQUIRE, 'benchling-quilt-integration', 'the service\'s Python distribution');
    assert.equal(field(pyproject, 'name'), runtimeEnv.HEALTHPROBE_REQUIRE);
    // `uv sync --locked` fails when these disagree, so they must agree here first.
    assert.equal(field(lock, 'name'), field(pyproject, 'name'));
    assert.equal(field(lock, 'version'), field(pyproject, 'version'));
    assert.equal(field(lock, 'requires-python'), field(pyproject, 'requires-python'));
    assert.match(lock, /^source = \{ editable = "\." \}$/m, 'a packaged project is locked as editable "."');
    for (const f of ['app.py', 'version.py', 'sqs_consumer.py', 'packaging_consumer.py', '__init__.py']) {
      assert.ok(fs.existsSync(path.join(standin, 'src', f)), `docker/standin/src/${f}`);
    }
  });

  test('the user is today\'s: a system group appuser, uid 1000, made the same way', () => {
    const words = (text) => oneLine(text).split(/\s+|&&/).filter(Boolean);
    const userSteps = (s) => texts(s, 'RUN').map((t) => oneLine(t).replace(/^RUN /, '')).join(' && ').split('&&').map((x) => x.trim())
      .filter((x) => /^(groupadd|useradd)\b/.test(x));
    const ours = userSteps(runtime);
    const theirs = userSteps(todayRuntime);
    assert.deepEqual(ours.map((x) => words(x)[0]), ['groupadd', 'useradd']);
    assert.deepEqual(words(ours[0]), words(theirs[0]), 'groupadd -r appuser, as today');
    for (const w of words(theirs[1])) assert.ok(words(ours[1]).includes(w), `useradd keeps ${w}`);
    assert.equal(texts(runtime, 'USER').pop(), 'USER appuser');
  });

  test('the production command is today\'s, flag for flag, in exec form, plus the control-socket config', () => {
    const cmd = argv(texts(runtime, 'CMD')[0]);
    const theirs = todaysServerCommand();
    assert.equal(theirs[0], 'gunicorn');
    // Every flag and value of today's command, in ours; --bind aside: gunicorn binds 0.0.0.0:$PORT
    // itself when PORT is set, and an exec-form CMD cannot expand ${PORT}.
    for (let k = 1; k < theirs.length; k++) {
      const w = theirs[k];
      if (w === '--bind') { k++; continue; }
      if (!w.startsWith('-')) continue;
      const at = cmd.indexOf(w);
      assert.ok(at > 0, `today's ${w} is missing`);
      const value = theirs[k + 1];
      if (value !== undefined && !value.startsWith('-')) assert.equal(cmd[at + 1], value, `value of ${w}`);
    }
    assert.ok(theirs.includes('src.app:create_app()') && cmd.includes('src.app:create_app()'));
    assert.ok(!cmd.includes('--bind'), 'a fixed --bind would ignore PORT');
    assert.ok(Number(cmd[cmd.indexOf('--keep-alive') + 1]) > 350, 'keep-alive above the NLB idle timeout (350 s)');
    assert.equal(cmd[cmd.indexOf('--worker-tmp-dir') + 1], runtimeEnv.HEALTHPROBE_WRITABLE, 'the probe checks what gunicorn writes');
    assert.ok(!cmd.some((a) => /^(\/bin\/)?(ba)?sh$/.test(a) || a.includes('$')), 'no shell, nothing to expand');
    const extra = cmd.slice(3).filter((w) => w.startsWith('-') && !theirs.includes(w));
    assert.deepEqual(extra, ['--config'], 'nothing else differs');
  });

  test('gunicorn\'s control socket is off through a config file that gunicorn 20.1 and 25.3 both accept', () => {
    // --no-control-socket exists only in gunicorn >= 25.1: older ones (Debian's 20.1, which the
    // container proof runs) exit on an unknown flag, but skip an unknown setting in a config file.
    const cmd = argv(texts(runtime, 'CMD')[0]);
    assert.equal(cmd[cmd.indexOf('--config') + 1], '/app/gunicorn.conf.py');
    assert.ok(!cmd.some((w) => /control-socket/.test(w)));
    const writes = texts(runtime, 'RUN').map(oneLine).find((t) => t.includes('/app/gunicorn.conf.py'));
    assert.ok(writes, 'a RUN writes /app/gunicorn.conf.py');
    assert.match(writes, /'control_socket_disable = True' >\/app\/gunicorn\.conf\.py/);
    // gunicorn also loads ./gunicorn.conf.py from its working directory when no --config is given:
    // an overriding command (compose's command:) gets the same setting.
    assert.equal(texts(runtime, 'WORKDIR').pop(), 'WORKDIR /app');
    // Written before USER: owned by root, the app cannot change it.
    const order = runtime.instructions.map((i) => i.text);
    assert.ok(order.indexOf(texts(runtime, 'USER')[0]) > order.findIndex((t) => t.includes('gunicorn.conf.py')));
  });

  test('/tmp is a VOLUME of mode 1777, so an ECS task volume there is a copy of it, not root 0755', () => {
    assert.deepEqual(texts(runtime, 'VOLUME'), ['VOLUME ["/tmp"]']);
    const order = runtime.instructions.map((i) => i.text);
    const chmod = order.findIndex((t) => /chmod 1777 \/tmp\b/.test(oneLine(t)));
    assert.ok(chmod >= 0, 'a RUN sets /tmp to 1777');
    assert.ok(chmod < order.indexOf('VOLUME ["/tmp"]'), 'before the VOLUME (later changes there are discarded)');
  });

  test('OCI labels: version, revision, source, created, base.name, base.digest', () => {
    const labels = {};
    for (const i of runtime.instructions.filter((x) => x.keyword === 'LABEL')) {
      for (const prop of i.ins.getProperties()) labels[prop.getName()] = prop.getValue();
    }
    const oci = (k) => labels[`org.opencontainers.image.${k}`];
    assert.equal(oci('version'), '${VERSION}');
    assert.equal(oci('revision'), '${REVISION}');
    assert.equal(oci('created'), '${CREATED}');
    assert.equal(oci('source'), '${SOURCE}');
    assert.equal(oci('base.name'), '${BASE_IMAGE}');
    assert.equal(oci('base.digest'), '${BASE_IMAGE_DIGEST}');
    // The label's ARG is the digest part of BASE_IMAGE: a bump of one without the other fails here
    // (docker/update-base-digest.sh rewrites both).
    assert.equal(parsed.globalArgs.BASE_IMAGE_DIGEST, parsed.globalArgs.BASE_IMAGE.split('@')[1],
      'ARG BASE_IMAGE_DIGEST differs from the digest in ARG BASE_IMAGE: run docker/update-base-digest.sh');
    for (const arg of ['REVISION', 'CREATED', 'SOURCE']) assert.ok(arg in parsed.globalArgs, `ARG ${arg} has a default`);
  });

  test('the build runs the probe against the built venv, --no-http, after HEALTHPROBE_REQUIRE', () => {
    assert.ok(texts(runtime, 'RUN').includes('RUN ["/usr/local/bin/healthprobe", "--no-http", "--writable", "none", "--timeout", "10s"]'));
  });

  test('the builder uses uv the way the reference does', () => {
    const text = stage(parsed, 'builder').instructions.map((i) => i.text).join('\n');
    for (const needle of ['UV_COMPILE_BYTECODE=1', 'UV_LINK_MODE=copy', 'UV_PYTHON_DOWNLOADS=never',
      'type=cache,target=/root/.cache/uv', 'uv sync --locked --no-dev --no-install-project',
      'uv sync --locked --no-dev --no-editable']) {
      assert.ok(text.includes(needle), `builder lacks ${needle}`);
    }
    assert.ok(!/--frozen/.test(text), '--frozen does not check the lock; --locked does');
  });

  test('Python: AL2023\'s python3.14, with its reason written next to it', () => {
    assert.equal(parsed.globalArgs.PYTHON_VERSION, '3.14');
    const comment = dockerfile.slice(0, dockerfile.indexOf('ARG PYTHON_VERSION=')).split('\n').slice(-8).join('\n');
    assert.match(comment, /CI runs its tests on/);
    assert.match(comment, /cp314 \(or abi3\) wheels for x86_64 and aarch64/);
  });
});

describe('docker/standin/Dockerfile: today\'s image, the one the drop-in replaces', () => {
  test('is the old way, and the policy says so', () => {
    assert.deepEqual(rules(policy.checkDockerfile(today)), ['cmd-python', 'exec-form', 'healthcheck-probe', 'pinned-syntax']);
    const body = today.split('\n').filter((l) => !/^\s*#/.test(l)).join('\n');
    assert.match(body, /uv sync --frozen --no-dev --python python3\.11/);
    assert.match(body, /RUN chown -R appuser:appuser \/app \/home\/appuser/, 'the layer that copies the venv again');
    assert.match(body, /CMD curl -f http:\/\/localhost:\$\{PORT\}\/health \|\| exit 1/);
    assert.match(body, /^CMD sh -c "gunicorn /m);
  });

  test('its base is an ARG, so the size comparison can build it on the drop-in\'s base (today\'s pin is its own)', () => {
    assert.match(todayParsed.globalArgs.BASE_IMAGE, /^public\.ecr\.aws\/amazonlinux\/amazonlinux:2023[^@]*@sha256:[0-9a-f]{64}$/);
    assert.equal(stage(todayParsed, 'base').image, todayParsed.globalArgs.BASE_IMAGE);
    // The pre-rework baseline moves with the drop-in (update-base-digest.sh rewrites both).
    const base = (text) => /^ARG BASE_IMAGE=(\S+)$/m.exec(text)[1];
    assert.equal(base(read(repo, 'docker', 'Dockerfile.single-stage')), base(dockerfile));
  });
});

describe('docker/Dockerfile.single-stage: the image before any rework', () => {
  test('is the old way, and the policy says so', () => {
    const v = policy.checkDockerfile(read(repo, 'docker', 'Dockerfile.single-stage'));
    assert.deepEqual(rules(v), ['cmd-python', 'exec-form', 'healthcheck-probe', 'min-stages', 'runtime-no-build-tools']);
    // The pre-rework image's structure, and nothing it did not have (no straw man).
    const single = read(repo, 'docker', 'Dockerfile.single-stage');
    const body = single.split('\n').filter((l) => !/^\s*#/.test(l)).join('\n');
    assert.match(body, /pip install --no-cache-dir "uv==/, 'uv installed with pip, as the old image did');
    assert.match(body, /uv sync --frozen --no-dev/);
    assert.match(body, /chown -R appuser:appuser \/app \/home\/appuser/, 'the layer that copies the venv again');
    assert.doesNotMatch(body, /\b(gcc|make|-devel)\b/, 'the old image had no compiler or headers');
    assert.match(body, /^COPY pyproject\.toml uv\.lock \.\/$/m, 'built from the service\'s directory too');
    assert.equal(policy.parse(single).globalArgs.PYTHON_VERSION, parsed.globalArgs.PYTHON_VERSION);
  });
});

describe('Dockerfile: the probe image', () => {
  const rootText = read(repo, 'Dockerfile');
  const root = policy.parse(rootText);

  test('passes every rule that applies to any image; only the service-image rules do not apply', () => {
    // A FROM scratch image with one static binary has no runtime stage, HEALTHCHECK, CMD or USER of
    // its own. Listing exactly which rules it does not meet keeps every other rule applying to it.
    const v = policy.checkDockerfile(rootText);
    assert.deepEqual(rules(v), ['cmd-python', 'healthcheck-probe', 'min-stages', 'non-root-user', 'runtime-al2023'], show(v));
  });

  test('probe-builder, then a FROM scratch stage holding only /healthprobe (the last, the default)', () => {
    assert.deepEqual(root.stages.map((s) => s.name), ['probe-builder', 'probe']);
    const probe = root.stages[1];
    assert.equal(probe.image, 'scratch');
    assert.deepEqual(probe.instructions.map((i) => i.text), [
      'COPY --from=probe-builder /out/healthprobe /healthprobe', 'ENTRYPOINT ["/healthprobe"]']);
    // The builder's pin, under the name Renovate and update-base-digest.sh know.
    assert.match(root.globalArgs.PROBE_BUILDER_IMAGE, /^docker\.io\/library\/debian:bookworm-\d{8}@sha256:[0-9a-f]{64}$/);
    assert.equal(root.stages[0].image, root.globalArgs.PROBE_BUILDER_IMAGE);
  });

  test('the probe builder runs on the build platform and cross-compiles for TARGETARCH', () => {
    const pb = stage(root, 'probe-builder');
    assert.equal(pb.platform, '$BUILDPLATFORM');
    const text = pb.instructions.map((i) => i.text).join('\n');
    assert.match(text, /amd64\/arm64\) preset=release-arm64/, 'amd64 -> arm64 uses the cross preset');
    assert.match(text, /amd64\/amd64\|arm64\/arm64\) preset=release /, 'a native build uses release');
    assert.match(text, /--build-only --arch "\$TARGETARCH"/, 'the cross toolchain is installed for a cross build');
    assert.match(text, /arm64\) arch='ARM aarch64'/, "file(1) must say the probe's arch");
    // Only the scripts the set-up needs: a new test script does not invalidate the toolchain layer.
    const copies = texts(pb, 'COPY');
    assert.ok(copies.includes('COPY scripts/setup-deps.sh scripts/ensure-packages.sh scripts/'), copies.join('\n'));
    assert.ok(copies.includes('COPY scripts/patches/ scripts/patches/'), 'setup-deps.sh applies these to cpp-httplib');
    assert.ok(!copies.some((c) => /^COPY scripts\/? /.test(c)), 'not the whole scripts/ directory');
  });

  test('every COPY from the build context gets through .dockerignore\'s allow-list', () => {
    // The context is an allow-list ("*", then "!path" lines): a file the Dockerfile copies but the
    // list leaves out fails the build only where it runs (GitHub, the container proof).
    const ignore = read(repo, '.dockerignore').split('\n').map((l) => l.trim());
    assert.equal(ignore.find((l) => l && !l.startsWith('#')), '*', '.dockerignore starts by excluding everything');
    const allowed = ignore.filter((l) => l.startsWith('!')).map((l) => l.slice(1).replace(/\/$/, ''));
    const sources = root.stages.flatMap((s) => s.instructions)
      .filter((i) => i.keyword === 'COPY' && !/--from=/.test(i.text))
      .flatMap((i) => i.text.split(/\s+/).slice(1).filter((w) => !w.startsWith('--')).slice(0, -1))
      .map((src) => src.replace(/\/$/, ''));
    assert.ok(sources.includes('scripts/patches'), sources.join(', '));
    for (const src of sources) {
      assert.ok(allowed.some((a) => src === a || src.startsWith(`${a}/`)), `COPY ${src} is excluded by .dockerignore`);
    }
    for (const a of allowed) assert.ok(sources.some((src) => src === a || src.startsWith(`${a}/`)), `.dockerignore lets in ${a}, which nothing copies`);
  });
});

// Each fixture breaks exactly one rule of a Dockerfile that otherwise passes (fixtures/good.Dockerfile).
const DOCKERFILE_FIXTURES = {
  'pinned-from.Dockerfile': 'pinned-from',
  'pinned-from-copy.Dockerfile': 'pinned-from',
  'pinned-from-caller-arg.Dockerfile': 'pinned-from',
  'pinned-from-probe-tag.Dockerfile': 'pinned-from',
  'pinned-syntax.Dockerfile': 'pinned-syntax',
  'min-stages.Dockerfile': 'min-stages',
  'runtime-al2023.Dockerfile': 'runtime-al2023',
  'runtime-no-build-tools-gcc.Dockerfile': 'runtime-no-build-tools',
  'runtime-no-build-tools-curl.Dockerfile': 'runtime-no-build-tools',
  'runtime-no-build-tools-uv.Dockerfile': 'runtime-no-build-tools',
  'runtime-no-build-tools-base.Dockerfile': 'runtime-no-build-tools',
  'exec-form-healthcheck.Dockerfile': 'exec-form',
  'exec-form-cmd.Dockerfile': 'exec-form',
  'healthcheck-probe.Dockerfile': 'healthcheck-probe',
  'healthcheck-deadline.Dockerfile': 'healthcheck-deadline',
  'cmd-python.Dockerfile': 'cmd-python',
  'non-root-user.Dockerfile': 'non-root-user',
  'no-curl-pipe-sh.Dockerfile': 'no-curl-pipe-sh',
  'no-curl-pipe-sh-continuation.Dockerfile': 'no-curl-pipe-sh',
  'dnf-clean.Dockerfile': 'dnf-clean',
  'lint.Dockerfile': 'lint',
  'probe-cross-build.Dockerfile': 'probe-cross-build',
  'probe-cross-build-arch.Dockerfile': 'probe-cross-build',
  'build-time-probe.Dockerfile': 'build-time-probe',
  'build-time-probe-order.Dockerfile': 'build-time-probe',
  'explicit-context-copy.Dockerfile': 'explicit-context-copy',
  'probe-image.Dockerfile': 'probe-image',
};

describe('each Dockerfile rule fires on the fixture that breaks it', () => {
  test('the unbroken fixture passes, with HEALTHPROBE_IMAGE left to the caller or pinned to a release', () => {
    const good = read(fixtures, 'good.Dockerfile');
    assert.deepEqual(policy.checkDockerfile(good), [], show(policy.checkDockerfile(good)));
    const released = good.replace(/^ARG HEALTHPROBE_IMAGE$/m, `ARG HEALTHPROBE_IMAGE=ghcr.io/healthprobe/healthprobe:0.1.0@sha256:${'5'.repeat(64)}`);
    assert.notEqual(released, good);
    assert.deepEqual(policy.checkDockerfile(released), []);
  });

  test('every fixture is listed, and every rule has one', () => {
    const files = fs.readdirSync(fixtures).filter((f) => f.endsWith('.Dockerfile') && f !== 'good.Dockerfile').sort();
    assert.deepEqual(files, Object.keys(DOCKERFILE_FIXTURES).sort());
    const all = ['pinned-from', 'pinned-syntax', 'min-stages', 'runtime-al2023', 'runtime-no-build-tools', 'exec-form',
      'healthcheck-probe', 'healthcheck-deadline', 'cmd-python', 'non-root-user', 'no-curl-pipe-sh', 'dnf-clean', 'lint',
      'probe-cross-build', 'build-time-probe', 'explicit-context-copy', 'probe-image'];
    assert.deepEqual([...new Set(Object.values(DOCKERFILE_FIXTURES))].sort(), all.sort());
  });

  for (const [file, rule] of Object.entries(DOCKERFILE_FIXTURES)) {
    test(`${file} -> ${rule}`, () => {
      const v = policy.checkDockerfile(read(fixtures, file));
      assert.deepEqual(rules(v), [rule], `expected only ${rule}, got:\n${show(v)}`);
    });
  }

  test('an image ARG without a default is refused unless it is HEALTHPROBE_IMAGE', () => {
    const v = policy.checkDockerfile(read(fixtures, 'pinned-from-caller-arg.Dockerfile'));
    assert.match(v[0].message, /takes an ARG with no default: only HEALTHPROBE_IMAGE/);
  });
});

describe('docker/ecs-healthcheck.json', () => {
  const ecs = JSON.parse(read(repo, 'docker', 'ecs-healthcheck.json'));

  test('runs the probe in exec form, within ECS ranges, its deadline below the ECS timeout', () => {
    assert.deepEqual(policy.checkEcs(ecs, runtimeEnv), []);
  });

  const cases = {
    'ecs-cmd-shell.json': ['ecs-command'],
    'ecs-range.json': ['ecs-range'],
    'ecs-deadline.json': ['ecs-deadline'],
    'ecs-deadline-from-image.json': ['ecs-deadline'],
  };
  for (const [file, expected] of Object.entries(cases)) {
    test(`${file} -> ${expected.join(', ')}`, () => {
      const v = policy.checkEcs(JSON.parse(read(fixtures, file)), runtimeEnv);
      assert.deepEqual(rules(v), expected, show(v));
    });
  }

  test('interval and retries outside ECS ranges are both reported', () => {
    const v = policy.checkEcs(JSON.parse(read(fixtures, 'ecs-range.json')), runtimeEnv);
    assert.deepEqual(v.map((x) => x.message.split('=')[0]).sort(), ['interval', 'retries']);
  });

  test('without --timeout the image\'s HEALTHPROBE_TIMEOUT is the deadline (ECS runs the probe in the image env)', () => {
    const hc = JSON.parse(read(fixtures, 'ecs-deadline-from-image.json'));
    assert.deepEqual(policy.checkEcs(hc, {}), [], 'the 2 s default fits a 3 s timeout');
    assert.deepEqual(rules(policy.checkEcs(hc, { HEALTHPROBE_TIMEOUT: '3s' })), ['ecs-deadline']);
  });
});

describe('renovate.json', () => {
  test('is valid JSON with Docker digests pinned', () => {
    const cfg = JSON.parse(read(repo, 'renovate.json'));
    assert.deepEqual(policy.checkRenovate(cfg), []);
  });

  for (const file of ['renovate-unpinned.json', 'renovate-unpinned-rule.json', 'renovate-no-dockerfile-manager.json', 'renovate-custom-elsewhere.json']) {
    test(`${file} -> renovate-pin`, () => {
      assert.deepEqual(rules(policy.checkRenovate(JSON.parse(read(fixtures, file)))), ['renovate-pin']);
    });
  }

  test('renovate-invalid.json is rejected as JSON', () => {
    assert.throws(() => JSON.parse(read(fixtures, 'renovate-invalid.json')), SyntaxError);
  });
});

describe('durations and the probe\'s deadline (duration.js, shared by every node suite)', () => {
  test('parse as Docker and the probe write them', () => {
    assert.equal(parseDuration('250ms'), 250);
    assert.equal(parseDuration('3s'), 3000);
    assert.equal(parseDuration('1m30s'), 90000);
    assert.equal(parseDuration('2'), 2000);
    assert.equal(parseDuration('3 s'), null);
    assert.equal(parseDuration('soon'), null);
  });

  test('the deadline: --timeout, else HEALTHPROBE_TIMEOUT, else the probe\'s 2 s', () => {
    assert.equal(probeDeadline(['--timeout', '3s'], { HEALTHPROBE_TIMEOUT: '9s' }), 3000);
    assert.equal(probeDeadline(['--timeout=500ms']), 500);
    assert.equal(probeDeadline([], { HEALTHPROBE_TIMEOUT: '4s' }), 4000);
    assert.equal(probeDeadline([]), 2000);
  });
});
