'use strict';
// BuildKit's GitHub Actions cache (type=gha) in the workflows: a build that writes the cache under a
// scope must read that same scope back, and a build that only reads must read a scope some build of
// the same workflow writes; otherwise every run starts cold and nobody notices. Read from the
// workflow files themselves, so a new build step is held to it too.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const YAML = require('yaml');

const workflows = path.resolve(__dirname, '..', '..', '.github', 'workflows');

// "type=gha,mode=max,scope=x" lines -> the gha scopes named (BuildKit's default scope: buildkit).
function ghaScopes(value) {
  return String(value || '').split('\n').map((l) => l.trim()).filter(Boolean)
    .map((line) => Object.fromEntries(line.split(',').map((kv) => kv.split('=').map((s) => s.trim()))))
    .filter((attrs) => attrs.type === 'gha')
    .map((attrs) => attrs.scope || 'buildkit');
}

function buildSteps(file) {
  const doc = YAML.parse(fs.readFileSync(path.join(workflows, file), 'utf8'));
  return Object.entries(doc.jobs || {}).flatMap(([job, j]) => (j.steps || [])
    .filter((s) => String(s.uses || '').startsWith('docker/build-push-action@'))
    .map((s) => ({ where: `${file}: ${job}: ${s.name || s.uses}`, reads: ghaScopes(s.with?.['cache-from']), writes: ghaScopes(s.with?.['cache-to']) })));
}

for (const file of fs.readdirSync(workflows).filter((f) => /\.ya?ml$/.test(f))) {
  test(`${file}: every gha cache scope written is read by its writer, and every scope read is written`, () => {
    const steps = buildSteps(file);
    const written = new Set(steps.flatMap((s) => s.writes));
    for (const s of steps) {
      for (const scope of s.writes) {
        assert.ok(s.reads.includes(scope), `${s.where} writes scope ${scope} but reads ${s.reads.join(', ') || 'nothing'}`);
      }
      for (const scope of s.reads) {
        assert.ok(written.has(scope), `${s.where} reads scope ${scope}, which no build in ${file} writes`);
      }
    }
  });
}
