'use strict';
// docker/docker-compose.yml, validated structurally (no compose engine here), and checked to be the
// service's file today (docker/standin/docker-compose.yml, a model) with docker/MIGRATING.md's
// compose diff applied, and nothing else. Parsed by `yaml` (YAML 1.2, merge keys on, duplicate keys
// an error). What this proves: the file is valid YAML; every key is one the Compose Specification
// defines where it is used (a typo such as `healthckeck` or `start-period` fails); durations are
// compose durations; the page's diff applies to today's file and gives this one; the change is the
// health check (the probe in exec form, its deadline below the timeout) and a read-only root with
// /tmp, every other key of every service unchanged. What it does not prove: that a compose engine
// accepts it, that the images build, or that the containers turn healthy: tests/container proves
// the last two for the image itself.

const { describe, test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const YAML = require('yaml');
const policy = require('./policy');
const { parseDuration, probeDeadline } = require('./duration');
const { diffBlocks, applyDiff } = require('./unified-diff');

const repo = path.resolve(__dirname, '..', '..');
const read = (...p) => fs.readFileSync(path.join(repo, ...p), 'utf8');
const text = read('docker', 'docker-compose.yml');
const todayText = read('docker', 'standin', 'docker-compose.yml');

// The Compose Specification's keys (compose-spec.json), the subset a service may use here.
const TOP = new Set(['name', 'services', 'volumes', 'networks', 'configs', 'secrets', 'include']);
const SERVICE = new Set(['build', 'image', 'command', 'entrypoint', 'environment', 'env_file', 'healthcheck',
  'ports', 'read_only', 'tmpfs', 'volumes', 'depends_on', 'user', 'working_dir', 'restart', 'logging',
  'labels', 'networks', 'platform', 'profiles', 'stop_grace_period', 'shm_size', 'init', 'cap_drop',
  'security_opt', 'deploy', 'container_name', 'expose']);
const HEALTHCHECK = new Set(['test', 'interval', 'timeout', 'retries', 'start_period', 'start_interval', 'disable']);
const LOGGING = new Set(['driver', 'options']);
// Compose durations: {N}{us|ms|s|m|h} parts, e.g. 1m30s.
const DURATION = /^(\d+(\.\d+)?(us|ms|s|m|h))+$/;
// What docker/MIGRATING.md's compose step changes, and nothing else may.
const CHANGED = ['services.app.healthcheck.test', 'services.app.read_only', 'services.app.tmpfs'];

const unknownKeys = (obj, allowed) => Object.keys(obj).filter((k) => !allowed.has(k) && !k.startsWith('x-'));
const load = (t) => YAML.parseDocument(t, { merge: true, uniqueKeys: true });
const compose = load(text).toJS({ maxAliasCount: 100 });
const today = load(todayText).toJS({ maxAliasCount: 100 });
const dockerfile = policy.parse(read('docker', 'Dockerfile'));
const imageEnv = policy.envOf(dockerfile, dockerfile.stages[dockerfile.stages.length - 1]);

// Every path (a.b.c) at which two parsed documents differ.
function differences(a, b, at = '') {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  const plain = (x) => x && typeof x === 'object' && !Array.isArray(x);
  if (!plain(a) || !plain(b)) return [at.slice(1)];
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].flatMap((k) => differences(a[k], b[k], `${at}.${k}`));
}

describe('docker/docker-compose.yml', () => {
  test('is YAML without errors or duplicate keys, with only Compose keys', () => {
    assert.deepEqual(load(text).errors.map(String), []);
    assert.deepEqual(unknownKeys(compose, TOP), []);
    for (const [name, s] of Object.entries(compose.services)) {
      assert.deepEqual(unknownKeys(s, SERVICE), [], `service ${name}`);
      if (s.healthcheck) assert.deepEqual(unknownKeys(s.healthcheck, HEALTHCHECK), [], `service ${name} healthcheck`);
      if (s.logging) assert.deepEqual(unknownKeys(s.logging, LOGGING), [], `service ${name} logging`);
      if (s.command) assert.ok(Array.isArray(s.command) && s.command.every((x) => typeof x === 'string'), `${name}: exec-form command`);
    }
  });

  test('is today\'s file with docker/MIGRATING.md\'s compose diff applied', () => {
    const blocks = diffBlocks(read('docker', 'MIGRATING.md')).filter((b) => b.file === 'docker/docker-compose.yml');
    assert.equal(blocks.length, 1, 'one compose diff on the page');
    const migrated = applyDiff(todayText, blocks[0].text);
    // The same document (this file's comments aside).
    assert.deepEqual(load(migrated).toJS(), compose);
    const body = (t) => t.slice(t.indexOf('services:'));
    assert.equal(body(migrated), body(text));
  });

  test('changes only the web service\'s health check and root filesystem: every other key stays', () => {
    assert.deepEqual(differences(today, compose).sort(), CHANGED);
  });

  test('builds the drop-in the service\'s way: its docker/ directory, its Dockerfile, no target', () => {
    for (const [name, s] of Object.entries(compose.services)) {
      assert.equal(s.build, '.', `${name} builds the directory the file sits in`);
    }
  });

  test('the web health check is the probe in exec form, with a deadline below its timeout', () => {
    const hc = compose.services.app.healthcheck;
    assert.deepEqual(hc.test, ['CMD', '/usr/local/bin/healthprobe']);
    for (const key of ['interval', 'timeout', 'start_period']) assert.match(hc[key], DURATION, key);
    const deadline = probeDeadline(hc.test.slice(2), imageEnv);
    assert.ok(deadline + 1000 <= parseDuration(hc.timeout), `deadline ${deadline} ms vs timeout ${hc.timeout}`);
  });

  test('no service health-checks with curl or a shell', () => {
    for (const [name, s] of Object.entries(compose.services)) {
      const t = s.healthcheck ? s.healthcheck.test : [];
      assert.ok(!JSON.stringify(t).includes('curl'), name);
      assert.notEqual(t[0], 'CMD-SHELL', name);
    }
  });

  test('the production service: read-only root, /tmp on tmpfs', () => {
    assert.equal(compose.services.app.read_only, true);
    assert.deepEqual(compose.services.app.tmpfs, ['/tmp']);
  });

  test('control: the comparison sees a dropped variable, and the key checks catch a typo and a duplicate key', () => {
    const lost = YAML.parse(text.replace('      - BenchlingSecret=${BenchlingSecret}\n', ''));
    assert.ok(differences(today, lost).includes('services.app.environment'));
    const typo = YAML.parse(text.replace('start_period:', 'start-period:'), { merge: true });
    assert.deepEqual(unknownKeys(typo.services.app.healthcheck, HEALTHCHECK), ['start-period']);
    const dup = load(text.replace('    build: .\n', '    build: .\n    build: other\n'));
    assert.ok(dup.errors.length > 0);
  });
});
