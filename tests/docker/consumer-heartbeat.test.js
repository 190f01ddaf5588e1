'use strict';
// docker/MIGRATING.md's consumer code (step 2) is the code the stand-in's consumers run: the page's
// heartbeat.py block is docker/standin/src/heartbeat.py byte for byte, and the calls the page tells
// each loop to make are the ones consumer_loop.py makes, with the kinds each consumer's health check
// globs. The stand-in's code itself runs under the real probe in
// tests/integration/standin_consumer_test.cpp and in tests/container.

const { describe, test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const repo = path.resolve(__dirname, '..', '..');
const read = (...p) => fs.readFileSync(path.join(repo, ...p), 'utf8');
const YAML = require('yaml');

const page = read('docker', 'MIGRATING.md');
const standin = (name) => read('docker', 'standin', 'src', name);

// The page's ```python blocks, in order.
function pythonBlocks(markdown) {
  return [...markdown.matchAll(/^```python\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
}

describe('docker/MIGRATING.md: the consumers\' heartbeat code', () => {
  const blocks = pythonBlocks(page);

  test('its heartbeat.py is the stand-in\'s docker/standin/src/heartbeat.py, byte for byte', () => {
    const file = blocks.find((b) => b.includes('class Heartbeat'));
    assert.ok(file, 'a ```python block with class Heartbeat');
    assert.equal(file, standin('heartbeat.py'));
  });

  test('the loop calls it shows are the ones the stand-in\'s loop makes', () => {
    const loop = blocks.find((b) => b.includes('from .heartbeat import Heartbeat') && !b.includes('class Heartbeat'));
    assert.ok(loop, 'a ```python block with the loop\'s calls');
    const code = standin('consumer_loop.py');
    for (const call of ['heartbeat("starting", "waiting for config")', 'heartbeat("ok", "polling")', 'heartbeat()']) {
      assert.ok(loop.includes(call), `the page shows ${call}`);
      assert.ok(code.includes(call), `consumer_loop.py makes ${call}`);
    }
  });

  test('each consumer module writes the kind its container\'s health check globs', () => {
    for (const [module, kind] of [['sqs_consumer', 'sqs-consumer'], ['packaging_consumer', 'packaging-consumer']]) {
      assert.match(standin(`${module}.py`), new RegExp(`Heartbeat\\("${kind}"\\)`), module);
      assert.ok(page.includes(`"--heartbeat", "/dev/shm/${kind}-*.hb"`), `the page's health check globs ${kind}-*.hb`);
    }
  });
});

describe('docker/README.md: a consumer as a compose service', () => {
  test('its heartbeat glob is the kind its command\'s module writes, and the settings parse', () => {
    const block = [...read('docker', 'README.md').matchAll(/^```yaml\n([\s\S]*?)^```$/gm)]
      .map((m) => m[1]).find((b) => b.includes('src.sqs_consumer'));
    assert.ok(block, 'a ```yaml block running src.sqs_consumer');
    const services = YAML.parse(`services:\n${block}`, { uniqueKeys: true }).services;
    for (const service of Object.values(services)) {
      const module = service.command[service.command.indexOf('-m') + 1].replace(/^src\./, '');
      const kind = /Heartbeat\("([a-z-]+)"\)/.exec(standin(`${module}.py`))[1];
      const env = Object.fromEntries(service.environment.map((e) => e.split(/=(.*)/s).slice(0, 2)));
      assert.equal(env.HEALTHPROBE_HEARTBEAT, `/dev/shm/${kind}-*.hb`);
      assert.equal(env.HEALTHPROBE_URL, 'none');
      assert.match(env.HEALTHPROBE_HEARTBEAT_MAX_AGE, /^\d+s$/);
    }
  });
});
