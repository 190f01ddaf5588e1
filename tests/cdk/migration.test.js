'use strict';
// docker/MIGRATING.md's CDK change, proven on a model of the service's stack: its diffs for
// lib/fargate-service.ts are applied to the model (lib/fargate-service.ts here) exactly as a
// maintainer applies them there, every variant is compiled with tsc (strict) and synthesized
// offline, and the CloudFormation before and after is compared (template-diff.js): only health
// checks change (and, in the read-only step, ReadonlyRootFilesystem, the tmp volume and its mount
// points); every container keeps its name, environment, logs and stopTimeout; a consumer exists
// exactly when its queue does; each consumer's check reads its own loop's heartbeat, given as
// arguments, never through the environment every container shares. Broken variants show the
// comparison catches a consumer that loses its environment and a container whose log group changes,
// and the heartbeat rules a heartbeat in the shared environment and a consumer checking the other's.

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
// The service's SQS long poll (WaitTimeSeconds), the longest a healthy receive waits.
const LONG_POLL_MS = 20000;
const standinSrc = path.join(repo, 'docker', 'standin', 'src');
const COMBOS = [
  { packageEvent: true, packagingRequest: true },
  { packageEvent: true, packagingRequest: false },
  { packageEvent: false, packagingRequest: true },
  { packageEvent: false, packagingRequest: false },
];
const label = (q) => `queues: package events ${q.packageEvent ? 'yes' : 'no'}, packaging requests ${q.packagingRequest ? 'yes' : 'no'}`;

// Everything wrong with the consumers' heartbeat checks in one synthesized template's containers
// (docker/MIGRATING.md, step 2): a consumer must check, through its own health check's arguments,
// the file its module writes (docker/standin/src/<module>.py: Heartbeat("<kind>"), the file
// /dev/shm/<kind>-<pid>.hb), with a maximum age of at least two healthy turns of its loop (a long
// poll and the in-flight work its stopTimeout allows); no container may get a heartbeat through its
// environment, which the web container shares and would fail ("no heartbeat yet").
function heartbeatProblems(all) {
  const out = [];
  for (const c of Object.values(all)) {
    for (const e of c.Environment || []) {
      if (e.Name.startsWith('HEALTHPROBE_HEARTBEAT')) out.push(`${c.Name}: ${e.Name} in its environment, which every container shares`);
    }
    const args = c.HealthCheck ? c.HealthCheck.Command : [];
    const module = c.Name === WEB ? null : /^src\.(\w+)$/.exec(c.Command[2])[1];
    const heartbeats = args.flatMap((a, k) => (a === '--heartbeat' ? [args[k + 1]] : []));
    if (!module) {
      if (heartbeats.length) out.push(`${c.Name}: checks a heartbeat (${heartbeats}) it never writes`);
      continue;
    }
    const kind = (/Heartbeat\("([a-z-]+)"\)/.exec(fs.readFileSync(path.join(standinSrc, `${module}.py`), 'utf8')) || [])[1];
    if (JSON.stringify(heartbeats) !== JSON.stringify([`/dev/shm/${kind}-*.hb`])) {
      out.push(`${c.Name}: checks ${JSON.stringify(heartbeats)}, but src.${module} writes /dev/shm/${kind}-<pid>.hb`);
    }
    const maxAge = parseDuration(args[args.indexOf('--heartbeat-max-age') + 1]);
    const turn = LONG_POLL_MS + c.StopTimeout * 1000;
    if (!args.includes('--heartbeat-max-age') || !(maxAge >= 2 * turn)) {
      out.push(`${c.Name}: heartbeat max age ${maxAge} ms, under two turns of its loop (2 x ${turn} ms)`);
    }
  }
  return out;
}

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
    sharedHeartbeat: migrated.replace('            LOG_LEVEL: props.logLevel || "INFO",\n',
      '            LOG_LEVEL: props.logLevel || "INFO",\n            HEALTHPROBE_HEARTBEAT: "/dev/shm/sqs-consumer-*.hb",\n'),
    otherConsumersHeartbeat: editContainer(migrated, PACKAGING, (t) => t.replace('packaging-consumer-*.hb', 'sqs-consumer-*.hb')),
  };
  assert.notEqual(variants.sharedHeartbeat, migrated, 'the shared-environment control changed nothing');
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
      const combos = ['today', 'migrated', 'readOnly'].includes(name) ? COMBOS : COMBOS.slice(0, 1);
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

    test(`${variant}: each consumer checks its own loop's heartbeat, through its arguments; the web container none`, () => {
      COMBOS.forEach((q, k) => assert.deepEqual(heartbeatProblems(containers(templates[variant][k])), [], label(q)));
      const all = containers(templates[variant][0]);
      for (const [name, kind] of [[EVENTS, 'sqs-consumer'], [PACKAGING, 'packaging-consumer']]) {
        assert.deepEqual(all[name].HealthCheck.Command, ['CMD', PROBE, '--no-http', '--writable', '/tmp',
          '--heartbeat', `/dev/shm/${kind}-*.hb`, '--heartbeat-max-age', '120s', '--timeout', '3s'], name);
      }
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

  test('control: a heartbeat in the shared environment, and a consumer checking the other\'s file, break the heartbeat rules', () => {
    const shared = heartbeatProblems(containers(templates.sharedHeartbeat[0]));
    for (const name of [WEB, EVENTS, PACKAGING]) {
      assert.ok(shared.includes(`${name}: HEALTHPROBE_HEARTBEAT in its environment, which every container shares`), shared.join('\n'));
    }
    const swapped = heartbeatProblems(containers(templates.otherConsumersHeartbeat[0]));
    assert.deepEqual(swapped, [`${PACKAGING}: checks ["/dev/shm/sqs-consumer-*.hb"], but src.packaging_consumer writes /dev/shm/packaging-consumer-<pid>.hb`]);
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
