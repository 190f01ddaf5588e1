'use strict';
// The image's policy, asserted on the real files and, rule by rule, on broken fixtures:
// a rule that does not fire on the fixture made to break it proves nothing when the real file passes.

const { describe, test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const policy = require('./policy');

const repo = path.resolve(__dirname, '..', '..');
const fixtures = path.join(__dirname, 'fixtures');
const read = (...p) => fs.readFileSync(path.join(...p), 'utf8');
const rules = (violations) => [...new Set(violations.map((v) => v.rule))].sort();
const show = (violations) => violations.map((v) => `  ${v.rule} (line ${v.line}): ${v.message}`).join('\n');

const dockerfile = read(repo, 'docker', 'Dockerfile');
const parsed = policy.parse(dockerfile);
const runtimeEnv = policy.envOf(parsed, parsed.stages[parsed.stages.length - 1]);

describe('docker/Dockerfile', () => {
  test('passes every rule and lints without errors', () => {
    const v = policy.checkDockerfile(dockerfile);
    assert.deepEqual(v, [], `violations:\n${show(v)}`);
  });

  test('has the stages the issue names, runtime last (the default target)', () => {
    const names = parsed.stages.map((s) => s.name);
    for (const name of ['probe-builder', 'probe', 'webhook', 'base', 'builder', 'app', 'service', 'runtime']) {
      assert.ok(names.includes(name), `stage ${name} missing from ${names.join(', ')}`);
    }
    assert.equal(names[names.length - 1], 'runtime', 'the stand-in stays the default target');
    const byName = Object.fromEntries(parsed.stages.map((s) => [s.name, s]));
    assert.equal(byName.builder.image, 'base', 'builder is built FROM the shared base');
    assert.equal(byName.app.image, 'base', 'app is built FROM the shared base');
    assert.equal(byName.runtime.image, 'app', 'runtime is the shared app plus its CMD');
    assert.equal(byName.service.image, 'app', 'service is the shared app plus its CMD');
    assert.equal(byName.probe.image, 'scratch');
    for (const target of ['runtime', 'service']) {
      assert.deepEqual(byName[target].instructions.map((i) => i.keyword), ['CMD'], `${target} differs from app by its CMD alone`);
    }
  });

  test('the probe builder runs on the build platform and cross-compiles for TARGETARCH', () => {
    const pb = parsed.stages.find((s) => s.name === 'probe-builder');
    assert.equal(pb.platform, '$BUILDPLATFORM');
    const text = pb.instructions.map((i) => i.text).join('\n');
    assert.match(text, /amd64\/arm64\) preset=release-arm64/, 'amd64 -> arm64 uses the cross preset');
    assert.match(text, /amd64\/amd64\|arm64\/arm64\) preset=release /, 'a native build uses release');
    assert.match(text, /--build-only --arch "\$TARGETARCH"/, 'the cross toolchain is installed for a cross build');
    assert.match(text, /arm64\) arch='ARM aarch64'/, "file(1) must say the probe's arch");
    // Only the scripts the set-up needs: a new test script does not invalidate the toolchain layer.
    const copies = pb.instructions.filter((i) => i.keyword === 'COPY').map((i) => i.text);
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
    const sources = parsed.stages
      .flatMap((s) => s.instructions)
      .filter((i) => i.keyword === 'COPY' && !/--from=/.test(i.text))
      .flatMap((i) => i.text.split(/\s+/).slice(1).filter((w) => !w.startsWith('--')).slice(0, -1))
      .map((src) => src.replace(/\/$/, ''));
    assert.ok(sources.includes('scripts/patches'), sources.join(', '));
    for (const src of sources) {
      assert.ok(allowed.some((a) => src === a || src.startsWith(`${a}/`)), `COPY ${src} is excluded by .dockerignore`);
    }
  });

  test('the runtime environment is the service\'s contract and configures the probe', () => {
    assert.match(runtimeEnv.PATH, /^\/app\/\.venv\/bin:/);
    assert.equal(runtimeEnv.PORT, '8080');
    assert.equal(runtimeEnv.PYTHONUNBUFFERED, '1');
    assert.equal(runtimeEnv.PYTHONPATH, '/app');
    assert.equal(runtimeEnv.APP_ENV, 'production');
    assert.equal(runtimeEnv.BUILD_VERSION, parsed.globalArgs.VERSION, 'BUILD_VERSION comes from ARG VERSION');
    assert.equal(runtimeEnv.HEALTHPROBE_VENV, '/app/.venv');
    // Exactly what the server writes: gunicorn's heartbeat (--worker-tmp-dir /dev/shm). docker/README.md.
    assert.equal(runtimeEnv.HEALTHPROBE_WRITABLE, '/dev/shm');
    assert.match(runtimeEnv.XDG_CACHE_HOME, /^\/tmp\//, 'library caches go to the /tmp volume, not the read-only $HOME');
    assert.equal(runtimeEnv.HEALTHPROBE_REQUIRE, 'example-webhook', 'the ARG default is substituted');
    assert.ok(policy.parseDuration(runtimeEnv.HEALTHPROBE_TIMEOUT) > 0);
  });

  test('OCI labels: version, revision, source, created, base.name, base.digest', () => {
    const app = parsed.stages.find((s) => s.name === 'app');
    const labels = {};
    for (const i of app.instructions.filter((x) => x.keyword === 'LABEL')) {
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
    for (const arg of ['VERSION', 'REVISION', 'CREATED', 'SOURCE']) assert.ok(arg in parsed.globalArgs, `ARG ${arg} has a default`);
  });

  test('service: the production gunicorn command, exec form, no shell, the service\'s settings', () => {
    const service = parsed.stages.find((s) => s.name === 'service');
    const cmd = JSON.parse(service.instructions[0].text.replace(/^CMD\s+/, '').replace(/\\\r?\n/g, ' '));
    assert.deepEqual(cmd.slice(0, 4), ['/app/.venv/bin/python', '-m', 'gunicorn', 'src.app:create_app()']);
    const flag = (name) => cmd[cmd.indexOf(name) + 1];
    assert.equal(flag('--worker-class'), 'uvicorn.workers.UvicornWorker');
    assert.equal(flag('--workers'), '2');
    assert.ok(cmd.includes('--preload'));
    assert.equal(flag('--worker-tmp-dir'), '/dev/shm', 'heartbeat files on tmpfs: the root is read-only');
    assert.equal(flag('--worker-tmp-dir'), runtimeEnv.HEALTHPROBE_WRITABLE, 'the probe checks what gunicorn writes');
    assert.equal(flag('--timeout'), '60');
    assert.equal(flag('--graceful-timeout'), '30');
    assert.ok(Number(flag('--keep-alive')) > 350, 'keep-alive above the NLB idle timeout (350 s)');
    assert.equal(flag('--access-logfile'), '-');
    assert.equal(flag('--error-logfile'), '-');
    assert.ok(!cmd.includes('--bind'), 'gunicorn binds 0.0.0.0:$PORT itself; a fixed --bind would ignore PORT');
    assert.ok(!cmd.some((a) => /^(\/bin\/)?(ba)?sh$/.test(a) || a.includes('$')), 'no shell, nothing to expand');
    // The policy's own rules on the service target, as if it were the last stage.
    const asDefault = dockerfile.replace(/\nFROM app AS runtime\n[\s\S]*$/, '\n');
    assert.deepEqual(policy.checkDockerfile(asDefault), []);
  });

  test('the build runs the probe against the built venv, --no-http, after HEALTHPROBE_REQUIRE', () => {
    const app = parsed.stages.find((s) => s.name === 'app');
    const runs = app.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.text);
    assert.ok(runs.includes('RUN ["/usr/local/bin/healthprobe", "--no-http", "--writable", "none", "--timeout", "10s"]'), runs.join('\n'));
  });

  test('the webhook source is copied path by path, never the whole context', () => {
    const copies = parsed.stages.flatMap((s) => s.instructions).filter((i) => i.keyword === 'COPY' && /--from=webhook/.test(i.text));
    assert.deepEqual(copies.map((i) => i.text), ['COPY --from=webhook /pyproject.toml /uv.lock /app/', 'COPY --from=webhook /src/ /app/src/']);
  });

  test('the builder uses uv the way the reference does', () => {
    const builder = parsed.stages.find((s) => s.name === 'builder');
    const text = builder.instructions.map((i) => i.text).join('\n');
    for (const needle of ['UV_COMPILE_BYTECODE=1', 'UV_LINK_MODE=copy', 'UV_PYTHON_DOWNLOADS=never',
      'type=cache,target=/root/.cache/uv', 'uv sync --locked --no-dev --no-install-project',
      'uv sync --locked --no-dev --no-editable']) {
      assert.ok(text.includes(needle), `builder lacks ${needle}`);
    }
    assert.ok(!/--frozen/.test(text), '--frozen does not check the lock; --locked does');
  });

  test('the stand-in webhook project has the layout the builder reads', () => {
    for (const f of ['pyproject.toml', 'uv.lock', 'src/app.py', 'src/__init__.py']) {
      assert.ok(fs.existsSync(path.join(repo, 'docker', 'example-webhook', f)), `docker/example-webhook/${f}`);
    }
    const lock = read(repo, 'docker', 'example-webhook', 'uv.lock');
    // The stand-in stage copies exactly these: nothing else of docker/example-webhook/ is needed.
    const webhook = parsed.stages.find((s) => s.name === 'webhook').instructions.map((i) => i.text);
    assert.deepEqual(webhook, ['COPY docker/example-webhook/pyproject.toml docker/example-webhook/uv.lock /', 'COPY docker/example-webhook/src/ /src/']);
    const pyproject = read(repo, 'docker', 'example-webhook', 'pyproject.toml');
    const field = (text, key) => (new RegExp(`^${key} = "([^"]*)"`, 'm').exec(text) || [])[1];
    // `uv sync --locked` fails when these disagree, so they must agree here first.
    assert.equal(field(lock, 'name'), field(pyproject, 'name'));
    assert.equal(field(lock, 'version'), field(pyproject, 'version'));
    assert.equal(field(lock, 'requires-python'), field(pyproject, 'requires-python'));
    assert.match(lock, /^source = \{ editable = "\." \}$/m, 'a packaged project is locked as editable "."');
    assert.equal(field(pyproject, 'name'), runtimeEnv.HEALTHPROBE_REQUIRE, 'the probe requires the distribution the image installs');
  });

  test('the single-stage baseline is the old way, and the policy says so', () => {
    const v = policy.checkDockerfile(read(repo, 'docker', 'Dockerfile.single-stage'));
    assert.deepEqual(rules(v), ['cmd-python', 'exec-form', 'healthcheck-probe', 'min-stages', 'runtime-no-build-tools']);
    // The pre-rework image's structure, and nothing it did not have (no straw man).
    const single = read(repo, 'docker', 'Dockerfile.single-stage');
    const body = single.split('\n').filter((l) => !/^\s*#/.test(l)).join('\n');
    assert.match(body, /pip install --no-cache-dir "uv==/, 'uv installed with pip, as the old image did');
    assert.match(body, /uv sync --frozen --no-dev/);
    assert.match(body, /chown -R appuser:appuser \/app \/home\/appuser/, 'the layer that copies the venv again');
    assert.doesNotMatch(body, /\b(gcc|make|-devel)\b/, 'the old image had no compiler or headers');
    // It still shares the pinned base with the real image, so the size comparison is fair.
    const base = (text) => /^ARG BASE_IMAGE=(\S+)$/m.exec(text)[1];
    assert.equal(base(read(repo, 'docker', 'Dockerfile.single-stage')), base(dockerfile));
  });
});

// Each fixture breaks exactly one rule of a Dockerfile that otherwise passes (fixtures/good.Dockerfile).
const DOCKERFILE_FIXTURES = {
  'pinned-from.Dockerfile': 'pinned-from',
  'pinned-from-copy.Dockerfile': 'pinned-from',
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
  'explicit-webhook-copy.Dockerfile': 'explicit-webhook-copy',
};

describe('each Dockerfile rule fires on the fixture that breaks it', () => {
  test('the unbroken fixture passes', () => {
    const v = policy.checkDockerfile(read(fixtures, 'good.Dockerfile'));
    assert.deepEqual(v, [], show(v));
  });

  test('every fixture is listed, and every rule has one', () => {
    const files = fs.readdirSync(fixtures).filter((f) => f.endsWith('.Dockerfile') && f !== 'good.Dockerfile').sort();
    assert.deepEqual(files, Object.keys(DOCKERFILE_FIXTURES).sort());
    const all = ['pinned-from', 'pinned-syntax', 'min-stages', 'runtime-al2023', 'runtime-no-build-tools', 'exec-form',
      'healthcheck-probe', 'healthcheck-deadline', 'cmd-python', 'non-root-user', 'no-curl-pipe-sh', 'dnf-clean', 'lint',
      'probe-cross-build', 'build-time-probe', 'explicit-webhook-copy'];
    assert.deepEqual([...new Set(Object.values(DOCKERFILE_FIXTURES))].sort(), all.sort());
  });

  for (const [file, rule] of Object.entries(DOCKERFILE_FIXTURES)) {
    test(`${file} -> ${rule}`, () => {
      const v = policy.checkDockerfile(read(fixtures, file));
      assert.deepEqual(rules(v), [rule], `expected only ${rule}, got:\n${show(v)}`);
    });
  }
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

describe('durations', () => {
  test('parse as Docker and the probe write them', () => {
    assert.equal(policy.parseDuration('250ms'), 250);
    assert.equal(policy.parseDuration('3s'), 3000);
    assert.equal(policy.parseDuration('1m30s'), 90000);
    assert.equal(policy.parseDuration('2'), 2000);
    assert.equal(policy.parseDuration('3 s'), null);
    assert.equal(policy.parseDuration('soon'), null);
  });
});
