'use strict';
// docker/MIGRATING.md's CDK change, proven on a model of the service's stack: its diffs for
// lib/fargate-service.ts are applied to the model (lib/fargate-service.ts here) exactly as a
// maintainer applies them there, every variant is compiled with tsc (strict) and synthesized
// offline, and the CloudFormation before and after is compared (template-diff.js): only health
// checks change (and, in the read-only step, ReadonlyRootFilesystem, the tmp volume and its mount
// points); every container keeps its name, environment, logs and stopTimeout; a consumer exists
// exactly when its queue does. Two broken variants show the comparison catches a consumer that
// loses its environment and a container whose log group changes.

const { describe, test, before } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { diffBlocks, applyDiff } = require('../docker/unified-diff');
const { parseDuration, probeDeadline } = require('../docker/duration');
const { compare, containersOf, TASK } = require('./template-diff');

const repo = path.resolve(__dirname, '..', '..');
const PROBE = '/usr/local/bin/healthprobe';
const WEB = 'BenchlingWebhookContainer';
const EVENTS = 'BenchlingPackageEventConsumer';
const PACKAGING = 'BenchlingPackagingConsumer';
const ECS_RANGES = { Interval: [5, 300], Timeout: [2, 60], Retries: [1, 10], StartPeriod: [0, 300] };
const COMBOS = [
  { packageEvent: true, packagingRequest: true },
  { packageEvent: true, packagingRequest: false },
  { packageEvent: false, packagingRequest: true },
  { packageEvent: false, packagingRequest: false },
];
const label = (q) => `queues: package events ${q.packageEvent ? 'yes' : 'no'}, packaging requests ${q.packagingRequest ? 'yes' : 'no'}`;

// `source` with one edit made inside one container's addContainer(...) call (which runs to the next
// addContainer, or to the port mapping after the last one).
function editContainer(source, name, edit) {
  const start = source.indexOf(`addContainer("${name}"`);
  assert.ok(start > 0, `no addContainer("${name}")`);
  const ends = [source.indexOf('addContainer(', start + 1), source.indexOf('// Map container port', start)].filter((x) => x > 0);
  const stop = Math.min(...ends);
  const edited = edit(source.slice(start, stop));
  assert.notEqual(edited, source.slice(start, stop), `the edit of ${name} changed nothing`);
  return source.slice(0, start) + edited + source.slice(stop);
}

let templates; // templates[variant][combo index]
let migratingDiffs;
before(() => {
  const today = fs.readFileSync(path.join(__dirname, 'lib', 'fargate-service.ts'), 'utf8');
  migratingDiffs = diffBlocks(fs.readFileSync(path.join(repo, 'docker', 'MIGRATING.md'), 'utf8'))
    .filter((b) => b.file === 'lib/fargate-service.ts');
  assert.equal(migratingDiffs.length, 2, 'docker/MIGRATING.md has two diffs for lib/fargate-service.ts: health checks, read-only root');
  const migrated = applyDiff(today, migratingDiffs[0].text);
  const variants = {
    today,
    migrated,
    readOnly: applyDiff(migrated, migratingDiffs[1].text),
    // Controls: what the comparison must catch.
    lostEnvironment: editContainer(migrated, EVENTS, (t) => t.replace('                environment: environmentVars,\n', '')),
    otherLogGroup: editContainer(migrated, WEB, (t) => t.replace('                logGroup: this.logGroup,\n', '')),
  };
  const dir = path.join(__dirname, 'variants');
  fs.rmSync(dir, { recursive: true, force: true });
  for (const [name, source] of Object.entries(variants)) {
    fs.mkdirSync(path.join(dir, name, 'lib'), { recursive: true });
    fs.writeFileSync(path.join(dir, name, 'lib', 'fargate-service.ts'), source);
  }
  fs.rmSync(path.join(__dirname, 'out'), { recursive: true, force: true });
  const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(__dirname, 'tsconfig.json')], { encoding: 'utf8' });
  assert.equal(tsc.status, 0, `tsc failed:\n${tsc.stdout}${tsc.stderr}`);
  // eslint-disable-next-line global-require
  const { synthesize } = require('./out/stack.js');
  templates = {};
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-synth-'));
  try {
    for (const name of Object.keys(variants)) {
      // eslint-disable-next-line global-require
      const { FargateService } = require(`./out/variants/${name}/lib/fargate-service.js`);
      const combos = name === 'lostEnvironment' || name === 'otherLogGroup' ? COMBOS.slice(0, 1) : COMBOS;
      templates[name] = combos.map((q) => synthesize(FargateService, q, fs.mkdtempSync(path.join(outdir, 'a-'))));
    }
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
});

const taskOf = (template) => Object.values(template.Resources).find((r) => r.Type === TASK);
const containers = (template) => Object.fromEntries(containersOf(taskOf(template)).map((c) => [c.Name, c]));

describe('docker/MIGRATING.md\'s CDK change, applied to a model of the service\'s FargateService', () => {
  COMBOS.forEach((q, k) => {
    test(`health checks only: nothing else changes (${label(q)})`, () => {
      assert.deepEqual(compare(templates.today[k], templates.migrated[k]), []);
      assert.notDeepEqual(templates.today[k], templates.migrated[k], 'the change changes something');
    });

    test(`read-only step: only health checks, ReadonlyRootFilesystem, the tmp volume and its mounts (${label(q)})`, () => {
      assert.deepEqual(compare(templates.today[k], templates.readOnly[k], { readOnly: true }), []);
      // ... which the comparison allows only in that step.
      assert.ok(compare(templates.today[k], templates.readOnly[k]).some((v) => /ReadonlyRootFilesystem/.test(v)));
    });

    test(`a consumer exists exactly when its queue does, before and after (${label(q)})`, () => {
      for (const variant of ['today', 'migrated', 'readOnly']) {
        const names = Object.keys(containers(templates[variant][k])).sort();
        const want = [WEB, ...(q.packageEvent ? [EVENTS] : []), ...(q.packagingRequest ? [PACKAGING] : [])].sort();
        assert.deepEqual(names, want, variant);
      }
    });
  });

  for (const variant of ['migrated', 'readOnly']) {
    test(`${variant}: every health check is the probe in exec form, in ECS's ranges, its deadline below the timeout`, () => {
      const all = containers(templates[variant][0]);
      for (const c of Object.values(all)) {
        const hc = c.HealthCheck;
        assert.ok(hc, `${c.Name} has a health check`);
        assert.deepEqual(hc.Command.slice(0, 2), ['CMD', PROBE], `${c.Name}: exec form, no shell, no curl`);
        for (const [key, [lo, hi]] of Object.entries(ECS_RANGES)) {
          assert.ok(Number.isInteger(hc[key]) && hc[key] >= lo && hc[key] <= hi, `${c.Name}: ${key}=${hc[key]} outside ${lo}-${hi}`);
        }
        const deadline = probeDeadline(hc.Command.slice(2));
        assert.ok(deadline + 1000 <= hc.Timeout * 1000, `${c.Name}: deadline ${deadline} ms vs timeout ${hc.Timeout} s`);
      }
      // The web container checks /health on PORT (the image's default URL); the consumers, which
      // serve nothing, check the venv and their scratch dir: no HTTP, /tmp writable.
      assert.ok(!all[WEB].HealthCheck.Command.includes('--no-http'));
      for (const name of [EVENTS, PACKAGING]) {
        const cmd = all[name].HealthCheck.Command;
        assert.ok(cmd.includes('--no-http'), name);
        assert.equal(cmd[cmd.indexOf('--writable') + 1], '/tmp', name);
      }
      assert.equal(all[WEB].HealthCheck.StartPeriod, 60, 'the start period the service had');
    });
  }

  test('what the service relies on, after the change: one environment, the stack\'s log group, stopTimeout, port, NLB', () => {
    const t = templates.readOnly[0];
    const all = containers(t);
    for (const name of [EVENTS, PACKAGING]) {
      assert.deepEqual(all[name].Environment, all[WEB].Environment, `${name} gets the web container's whole environment`);
      assert.equal(all[name].StopTimeout, 30, name);
      assert.equal(all[name].Essential, true, name);
    }
    const env = Object.fromEntries(all[WEB].Environment.map((e) => [e.Name, e.Value]));
    for (const key of ['PACKAGE_EVENT_QUEUE_URL', 'PACKAGING_REQUEST_QUEUE_URL', 'BenchlingSecret', 'AWS_REGION', 'QUILT_WEB_HOST']) assert.ok(key in env, key);
    const logGroups = Object.entries(t.Resources).filter(([, r]) => r.Type === 'AWS::Logs::LogGroup');
    assert.equal(logGroups.length, 1, 'one log group');
    assert.equal(logGroups[0][1].Properties.LogGroupName, 'BenchlingWebhookStack', 'named after the stack');
    const prefixes = {};
    for (const c of Object.values(all)) {
      assert.deepEqual(c.LogConfiguration.Options['awslogs-group'], { Ref: logGroups[0][0] }, c.Name);
      prefixes[c.Name] = c.LogConfiguration.Options['awslogs-stream-prefix'];
    }
    assert.deepEqual(prefixes, { [WEB]: 'benchling-webhook', [EVENTS]: 'benchling-sqs-consumer', [PACKAGING]: 'benchling-packaging-consumer' });
    assert.deepEqual(all[WEB].PortMappings, [{ ContainerPort: 8080, Protocol: 'tcp' }]);
    const tg = Object.values(t.Resources).find((r) => r.Type === 'AWS::ElasticLoadBalancingV2::TargetGroup');
    assert.equal(tg.Properties.HealthCheckPath, '/health');
    assert.equal(tg.Properties.Port, 8080);
    const service = Object.values(t.Resources).find((r) => r.Type === 'AWS::ECS::Service');
    assert.deepEqual(service.Properties.DeploymentConfiguration.DeploymentCircuitBreaker, { Enable: true, Rollback: true });
  });

  test('control: a consumer that loses its environment fails the comparison', () => {
    const v = compare(templates.today[0], templates.lostEnvironment[0]);
    assert.ok(v.some((x) => x.startsWith(`${EVENTS}: Environment changed`)), v.join('\n'));
  });

  test('control: a container whose log group changes fails the comparison', () => {
    const v = compare(templates.today[0], templates.otherLogGroup[0]);
    assert.ok(v.some((x) => x.startsWith(`${WEB}: LogConfiguration changed`)), v.join('\n'));
    assert.ok(v.some((x) => /AWS::Logs::LogGroup\) added/.test(x)), v.join('\n'));
  });
});

describe('docker/MIGRATING.md', () => {
  test('its CDK diffs are the ones applied above, in order: health checks, then the read-only root', () => {
    assert.match(migratingDiffs[0].text, /^\+.*"CMD", "\/usr\/local\/bin\/healthprobe", "--timeout", "3s"/m);
    assert.doesNotMatch(migratingDiffs[0].text, /readonlyRootFilesystem/);
    assert.match(migratingDiffs[1].text, /^\+\s+readonlyRootFilesystem: true,/m);
  });
});
