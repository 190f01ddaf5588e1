'use strict';
// The CDK snippet of docker/MIGRATING.md, compiled (run.sh runs tsc) and synthesized offline: the
// CloudFormation it produces is what ECS will run. Asserted per container: the health check (exec
// form, the probe, ECS's ranges, the probe's deadline below ECS's timeout), the read-only root,
// its volume, and for the workers the environment that turns the HTTP check off.

const { describe, test, before } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const repo = path.resolve(__dirname, '..', '..');
const ECS_RANGES = { Interval: [5, 300], Timeout: [2, 60], Retries: [1, 10], StartPeriod: [0, 300] };
// The image's own deadline (docker/Dockerfile: HEALTHPROBE_TIMEOUT), used when the command has none.
const IMAGE_TIMEOUT_MS = 3000;

// Durations as the probe reads them: 250ms, 3s, 1m; bare numbers are seconds.
function durationMs(text) {
  const m = /^(\d+)(ms|s|m)?$/.exec(text);
  if (!m) return null;
  return Number(m[1]) * { ms: 1, s: 1000, m: 60000 }[m[2] || 's'];
}

function probeDeadlineMs(command, environment) {
  const k = command.indexOf('--timeout');
  if (k >= 0) return durationMs(command[k + 1]);
  const env = (environment || []).find((e) => e.Name === 'HEALTHPROBE_TIMEOUT');
  return env ? durationMs(env.Value) : IMAGE_TIMEOUT_MS;
}

let template; let task; let containers;
before(() => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-synth-'));
  try {
    // eslint-disable-next-line global-require
    template = require('./out/webhook-task.js').synthesize(outdir);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
  const tasks = Object.values(template.Resources).filter((r) => r.Type === 'AWS::ECS::TaskDefinition');
  assert.equal(tasks.length, 1);
  task = tasks[0].Properties;
  containers = Object.fromEntries(task.ContainerDefinitions.map((c) => [c.Name, c]));
});

describe('synthesized task definition (tests/cdk/webhook-task.ts)', () => {
  test('one main container and two workers, all from one image, all essential', () => {
    assert.deepEqual(Object.keys(containers).sort(), ['BenchlingWebhookContainer', 'PackagingConsumer', 'SqsConsumer']);
    assert.equal(new Set(Object.values(containers).map((c) => c.Image)).size, 1);
    for (const c of Object.values(containers)) assert.equal(c.Essential, true, c.Name);
    assert.deepEqual(containers.SqsConsumer.Command, ['python', '-m', 'src.sqs_consumer']);
    assert.deepEqual(containers.PackagingConsumer.Command, ['python', '-m', 'src.packaging_consumer']);
    assert.equal(containers.BenchlingWebhookContainer.Command, undefined, 'the main container runs the image CMD');
  });

  for (const name of ['BenchlingWebhookContainer', 'SqsConsumer', 'PackagingConsumer']) {
    test(`${name}: the probe in exec form, within ECS's ranges, deadline below the timeout`, () => {
      const hc = containers[name].HealthCheck;
      assert.ok(hc, 'has a health check');
      assert.equal(hc.Command[0], 'CMD', 'exec form: the image has no curl and needs no shell');
      assert.equal(hc.Command[1], '/usr/local/bin/healthprobe');
      assert.ok(!hc.Command.join(' ').includes('curl'));
      for (const [key, [lo, hi]] of Object.entries(ECS_RANGES)) {
        assert.ok(Number.isInteger(hc[key]) && hc[key] >= lo && hc[key] <= hi, `${key}=${hc[key]} outside ECS's ${lo}-${hi}`);
      }
      const deadline = probeDeadlineMs(hc.Command.slice(2), containers[name].Environment);
      assert.ok(deadline !== null && deadline + 1000 <= hc.Timeout * 1000,
        `probe deadline ${deadline} ms is not at least 1 s below the ECS timeout ${hc.Timeout} s`);
    });

    test(`${name}: read-only root filesystem, /tmp from a task volume`, () => {
      const c = containers[name];
      assert.equal(c.ReadonlyRootFilesystem, true);
      assert.deepEqual(c.MountPoints, [{ ContainerPath: '/tmp', ReadOnly: false, SourceVolume: 'tmp' }]);
    });
  }

  test('the task declares the tmp volume (task storage, no host path) and nothing else', () => {
    assert.deepEqual(task.Volumes, [{ Name: 'tmp' }]);
    assert.deepEqual(task.RequiresCompatibilities, ['FARGATE']);
  });

  test('the main container keeps the HTTP check and the start period the service had (60 s)', () => {
    const c = containers.BenchlingWebhookContainer;
    assert.equal(c.HealthCheck.StartPeriod, 60);
    assert.deepEqual(c.PortMappings, [{ ContainerPort: 8080, Protocol: 'tcp' }]);
    assert.ok(!(c.Environment || []).some((e) => e.Name === 'HEALTHPROBE_URL'), 'the image default URL (PORT) is checked');
  });

  test('workers turn the HTTP check off with HEALTHPROBE_URL=none and check their scratch dir', () => {
    for (const name of ['SqsConsumer', 'PackagingConsumer']) {
      const env = Object.fromEntries((containers[name].Environment || []).map((e) => [e.Name, e.Value]));
      assert.equal(env.HEALTHPROBE_URL, 'none', name);
      assert.equal(env.HEALTHPROBE_WRITABLE, '/tmp', `${name} checks the volume it writes`);
    }
  });
});

describe('docker/MIGRATING.md', () => {
  test('quotes the snippet between the markers verbatim', () => {
    const source = fs.readFileSync(path.join(__dirname, 'webhook-task.ts'), 'utf8');
    const snippet = /\/\/ <migrating>\n([\s\S]*?)\/\/ <\/migrating>\n/.exec(source)[1];
    const doc = fs.readFileSync(path.join(repo, 'docker', 'MIGRATING.md'), 'utf8');
    assert.ok(doc.includes(snippet), 'docker/MIGRATING.md does not contain tests/cdk/webhook-task.ts\'s snippet verbatim');
  });
});
