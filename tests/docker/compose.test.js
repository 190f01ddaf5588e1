'use strict';
// docker/compose.yaml, validated structurally (no compose engine here). Parsed by `yaml` (YAML 1.2,
// merge keys on, duplicate keys an error), then checked against the compose rules this file relies
// on. What this proves: the file is valid YAML; every key is one the Compose Specification defines
// where it is used (a typo such as `healthckeck` or `start-period` fails); durations are compose
// durations; each service's health check is exec form with the probe, its deadline below the
// timeout; every container has a read-only root and /tmp; workers turn the HTTP check off; the build
// names a real Dockerfile, a real stage and a real context. What it does not prove: that a compose
// engine accepts it (the full schema, interpolation, version-specific keys), that the images build,
// or that the containers turn healthy: tests/container proves the last two for the image itself.

const { describe, test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const YAML = require('yaml');
const policy = require('./policy');

const repo = path.resolve(__dirname, '..', '..');
const composeDir = path.join(repo, 'docker');
const text = fs.readFileSync(path.join(composeDir, 'compose.yaml'), 'utf8');

// The Compose Specification's keys (compose-spec.json), the subset a service may use here.
const TOP = new Set(['name', 'services', 'volumes', 'networks', 'configs', 'secrets', 'include']);
const SERVICE = new Set(['build', 'image', 'command', 'entrypoint', 'environment', 'env_file', 'healthcheck',
  'ports', 'read_only', 'tmpfs', 'volumes', 'depends_on', 'user', 'working_dir', 'restart', 'logging',
  'labels', 'networks', 'platform', 'profiles', 'stop_grace_period', 'shm_size', 'init', 'cap_drop',
  'security_opt', 'deploy', 'container_name', 'expose']);
const BUILD = new Set(['context', 'dockerfile', 'target', 'args', 'additional_contexts', 'platforms', 'cache_from',
  'cache_to', 'labels', 'tags', 'ssh', 'secrets', 'network', 'no_cache', 'pull']);
const HEALTHCHECK = new Set(['test', 'interval', 'timeout', 'retries', 'start_period', 'start_interval', 'disable']);
const DEPENDS = new Set(['condition', 'restart', 'required']);
const CONDITIONS = new Set(['service_started', 'service_healthy', 'service_completed_successfully']);
// Compose durations: {N}{us|ms|s|m|h} parts, e.g. 1m30s.
const DURATION = /^(\d+(\.\d+)?(us|ms|s|m|h))+$/;

// ${VAR:-default} as compose interpolates it when VAR is unset.
const defaults = (value) => String(value).replace(/\$\{\w+:-([^}]*)\}/g, '$1');
const unknownKeys = (obj, allowed) => Object.keys(obj).filter((k) => !allowed.has(k) && !k.startsWith('x-'));

const doc = YAML.parseDocument(text, { merge: true, uniqueKeys: true });
const compose = doc.toJS({ maxAliasCount: 100 });
const dockerfile = fs.readFileSync(path.join(repo, 'docker', 'Dockerfile'), 'utf8');
const parsed = policy.parse(dockerfile);
const imageEnv = policy.envOf(parsed, parsed.stages[parsed.stages.length - 1]);

describe('docker/compose.yaml', () => {
  test('is YAML without errors or duplicate keys, with only Compose keys', () => {
    assert.deepEqual(doc.errors.map(String), []);
    assert.deepEqual(unknownKeys(compose, TOP), []);
    assert.ok(compose.services && typeof compose.services === 'object');
    for (const [name, s] of Object.entries(compose.services)) {
      assert.deepEqual(unknownKeys(s, SERVICE), [], `service ${name}`);
      if (s.build) assert.deepEqual(unknownKeys(s.build, BUILD), [], `service ${name} build`);
      if (s.healthcheck) assert.deepEqual(unknownKeys(s.healthcheck, HEALTHCHECK), [], `service ${name} healthcheck`);
      for (const [dep, d] of Object.entries(s.depends_on || {})) {
        assert.ok(dep in compose.services, `${name} depends on unknown service ${dep}`);
        assert.deepEqual(unknownKeys(d, DEPENDS), []);
        assert.ok(CONDITIONS.has(d.condition), `${name}: condition ${d.condition}`);
      }
      for (const [k, v] of Object.entries(s.environment || {})) {
        assert.ok(/^[A-Za-z_][A-Za-z0-9_]*$/.test(k), `${name}: variable name ${k}`);
        assert.ok(['string', 'number', 'boolean'].includes(typeof v) || v === null, `${name}: ${k} is ${typeof v}`);
      }
      if (s.command) assert.ok(Array.isArray(s.command) && s.command.every((x) => typeof x === 'string'), `${name}: exec-form command`);
    }
  });

  test('one image for every service; the web service builds it from docker/Dockerfile', () => {
    const images = new Set(Object.values(compose.services).map((s) => s.image));
    assert.equal(images.size, 1);
    const builders = Object.entries(compose.services).filter(([, s]) => s.build);
    assert.deepEqual(builders.map(([n]) => n), ['webhook']);
    const { build } = builders[0][1];
    const context = path.resolve(composeDir, build.context);
    assert.equal(context, repo, 'the build context is the repository root');
    assert.ok(fs.existsSync(path.join(context, build.dockerfile)));
    const stages = parsed.stages.map((s) => s.name);
    assert.equal(defaults(build.target), 'runtime', 'the stand-in stays the default');
    assert.ok(stages.includes('service') && build.target.includes('WEBHOOK_TARGET'), 'the real service selects its target');
    const webhookContext = path.resolve(composeDir, defaults(build.additional_contexts.webhook));
    for (const f of ['pyproject.toml', 'uv.lock', 'src']) assert.ok(fs.existsSync(path.join(webhookContext, f)), `webhook context lacks ${f}`);
    assert.equal(defaults(build.args.WEBHOOK_REQUIRE), imageEnv.HEALTHPROBE_REQUIRE, 'the stand-in requires what it installs');
  });

  test('the web health check is the probe in exec form, with a deadline below its timeout', () => {
    const hc = compose.services.webhook.healthcheck;
    assert.deepEqual(hc.test, ['CMD', '/usr/local/bin/healthprobe']);
    for (const key of ['interval', 'timeout', 'start_period', 'start_interval']) assert.match(hc[key], DURATION, key);
    assert.ok(Number.isInteger(hc.retries) && hc.retries >= 1);
    const deadline = policy.probeDeadline(hc.test.slice(2), imageEnv);
    assert.ok(deadline + 1000 <= policy.parseDuration(hc.timeout), `deadline ${deadline} ms vs timeout ${hc.timeout}`);
  });

  test('no service health-checks with curl or a shell', () => {
    for (const [name, s] of Object.entries(compose.services)) {
      const t = s.healthcheck ? s.healthcheck.test : [];
      assert.ok(!JSON.stringify(t).includes('curl'), name);
      assert.notEqual(t[0], 'CMD-SHELL', name);
    }
  });

  test('every container: read-only root, /tmp on tmpfs', () => {
    for (const [name, s] of Object.entries(compose.services)) {
      assert.equal(s.read_only, true, name);
      assert.deepEqual(s.tmpfs, ['/tmp'], name);
    }
  });

  test('workers: no HTTP server, so HEALTHPROBE_URL=none; the image\'s health check is inherited', () => {
    const workers = Object.entries(compose.services).filter(([n]) => n !== 'webhook');
    assert.deepEqual(workers.map(([n]) => n).sort(), ['packaging-consumer', 'sqs-consumer']);
    for (const [name, s] of workers) {
      assert.equal(s.environment.HEALTHPROBE_URL, 'none', name);
      assert.equal(s.environment.HEALTHPROBE_WRITABLE, '/tmp', name);
      assert.equal(s.healthcheck, undefined, `${name} inherits the image's HEALTHCHECK`);
      assert.deepEqual(s.command.slice(0, 2), ['python', '-m']);
    }
  });

  test('control: the key checks catch a typo and a duplicate key', () => {
    const typo = YAML.parse(text.replace('start_period:', 'start-period:'), { merge: true });
    assert.deepEqual(unknownKeys(typo.services.webhook.healthcheck, HEALTHCHECK), ['start-period']);
    const dup = YAML.parseDocument(text.replace('    image: *image\n    build:', '    image: *image\n    image: other\n    build:'), { uniqueKeys: true });
    assert.ok(dup.errors.length > 0);
  });
});
