'use strict';
// What the workflows promise and only GitHub can run, held to the files: every action pinned by
// full commit SHA; release.yml checks the version first, runs the suite from a real git checkout,
// and publishes in the order that makes a failed or repeated run harmless (draft, image, attest,
// upload, publish), building the image from the root Dockerfile.

const { describe, test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const YAML = require('yaml');

const dir = path.resolve(__dirname, '..', '..', '.github', 'workflows');
const files = fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
const text = (f) => fs.readFileSync(path.join(dir, f), 'utf8');
const release = YAML.parse(text('release.yml'));
const steps = (job) => release.jobs[job].steps;
// The index of the first step of JOB whose uses or run matches RE.
const stepIndex = (job, re, what) => {
  const i = steps(job).findIndex((s) => re.test(s.uses || '') || re.test(s.run || ''));
  assert.ok(i >= 0, `${job}: no step ${what}`);
  return i;
};

describe('workflows', () => {
  for (const f of files) {
    test(`${f}: every action is pinned by a full commit SHA, with its version in a comment`, () => {
      for (const line of text(f).split('\n').filter((l) => /^\s*(-\s+)?uses:/.test(l))) {
        assert.match(line, /uses:\s+[\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+\s*$/, line);
      }
    });
  }
});

describe('release.yml', () => {
  test('the tag is checked against project(VERSION) first, by the script, before the suite', () => {
    assert.deepEqual([].concat(release.jobs.test.needs), ['version']);
    assert.deepEqual([].concat(release.jobs.publish.needs).sort(), ['test', 'version']);
    assert.equal(release.jobs.version.needs, undefined, 'nothing runs before the version check');
    stepIndex('version', /scripts\/release-version\.sh "\$GITHUB_REF_NAME"/, 'running scripts/release-version.sh');
  });

  test('a published release stops the run before anything is built', () => {
    stepIndex('version', /scripts\/release-state\.sh/, 'asking for the release state');
    for (const job of ['test', 'publish']) {
      assert.equal(release.jobs[job].if, "needs.version.outputs.published != 'true'", `${job} is skipped once published`);
    }
  });

  test('the test job installs git and trusts the workspace for the whole job before it checks out', () => {
    const install = stepIndex('test', /apt-get install[^\n]*\bgit\b/, 'installing git');
    const trust = stepIndex('test', /git config --system --add safe\.directory "\$GITHUB_WORKSPACE"/, 'a system-wide safe.directory');
    const checkout = stepIndex('test', /^actions\/checkout@/, 'checking out');
    const suite = stepIndex('test', /bash scripts\/test\.sh/, 'running scripts/test.sh');
    assert.ok(install < checkout && trust < checkout && checkout < suite);
    stepIndex('test', /git rev-parse HEAD/, 'proving the checkout is a git repository');
  });

  test('publishing: draft, then image pushed and attested, then binaries uploaded, then published', () => {
    const order = [
      ['draft', /gh release create "\$GITHUB_REF_NAME" --draft/],
      ['existing image', /imagetools inspect --raw "\$IMAGE:\$VERSION"/],
      ['push', /^docker\/build-push-action@/],
      ['image attestation', /^actions\/attest-build-provenance@/],
      ['upload', /gh release upload "\$GITHUB_REF_NAME" dist\/\* --clobber/],
      ['publish', /gh release edit "\$GITHUB_REF_NAME" --draft=false/],
    ].map(([what, re]) => [what, stepIndex('publish', re, what)]);
    for (let k = 1; k < order.length; k += 1) {
      assert.ok(order[k - 1][1] < order[k][1], `${order[k - 1][0]} comes before ${order[k][0]}`);
    }
  });

  test('an image already pushed under the version is reused, never rebuilt under the same tag', () => {
    const existing = steps('publish').find((s) => /imagetools inspect --raw "\$IMAGE:\$VERSION"/.test(s.run || ''));
    const push = steps('publish').find((s) => /^docker\/build-push-action@/.test(s.uses || ''));
    assert.equal(push.if, `steps.${existing.id}.outputs.pushed != 'true'`);
    assert.match(existing.run, /org\.opencontainers\.image\.revision/, 'and only if it was built from this commit');
  });

  test('the image is the root Dockerfile, both platforms, annotated at the index', () => {
    const push = steps('publish').find((s) => /^docker\/build-push-action@/.test(s.uses || '')).with;
    assert.equal(push.context, '.');
    assert.equal(push.file, 'Dockerfile');
    assert.equal(push.target, undefined, 'the last stage (FROM scratch, /healthprobe only) is the image');
    assert.equal(push.platforms, '${{ env.PLATFORMS }}');
    assert.equal(release.env.PLATFORMS, 'linux/amd64,linux/arm64');
    for (const key of ['description', 'source', 'version', 'revision']) {
      assert.match(push.annotations, new RegExp(`^index:org\\.opencontainers\\.image\\.${key}=`, 'm'));
    }
  });
});
