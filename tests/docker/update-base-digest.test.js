'use strict';
// docker/update-base-digest.sh, offline: a stub resolver plays the registry, and the script runs
// on copies of the real Dockerfiles.

const { describe, test, beforeEach } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const repo = path.resolve(__dirname, '..', '..');
const script = path.join(repo, 'docker', 'update-base-digest.sh');
const stub = path.join(__dirname, 'fixtures', 'stub-resolver.sh');
const NEW = `sha256:${'ab'.repeat(32)}`;
const BASE_LINE = /^ARG BASE_IMAGE=(\S+)$/m;

let dir; let files; let originals; let log;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'digest-'));
  files = ['Dockerfile', 'Dockerfile.single-stage'].map((f) => {
    const to = path.join(dir, f);
    fs.copyFileSync(path.join(repo, 'docker', f), to);
    return to;
  });
  originals = files.map((f) => fs.readFileSync(f, 'utf8'));
  log = path.join(dir, 'resolver.log');
});

function run(args, env) {
  const r = spawnSync('bash', [script, ...files.flatMap((f) => ['--file', f]), ...args], {
    env: { ...process.env, DIGEST_RESOLVER: stub, STUB_LOG: log, ...env }, encoding: 'utf8',
  });
  return { ...r, asked: fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : [] };
}
const current = (i = 0) => BASE_LINE.exec(fs.readFileSync(files[i], 'utf8'))[1];
const unchanged = () => files.forEach((f, i) => assert.equal(fs.readFileSync(f, 'utf8'), originals[i], `${f} changed`));

describe('update-base-digest.sh', () => {
  test('re-pins the same tag to the resolved digest in both Dockerfiles, touching only that line', () => {
    const before = BASE_LINE.exec(originals[0])[1];
    const tag = before.split('@')[0];
    const r = run([], { STUB_DIGEST: NEW });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.asked, [tag], 'asks the registry about the pinned tag');
    files.forEach((f, i) => {
      assert.equal(current(i), `${tag}@${NEW}`);
      const a = originals[i].split('\n'); const b = fs.readFileSync(f, 'utf8').split('\n');
      assert.equal(a.length, b.length);
      assert.equal(a.filter((line, k) => line !== b[k]).length, 1, `exactly one line of ${f} differs`);
    });
  });

  test('moves to a new tag with --tag', () => {
    const r = run(['--tag', '2023.12.20270101.0'], { STUB_DIGEST: NEW });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.asked, ['public.ecr.aws/amazonlinux/amazonlinux:2023.12.20270101.0']);
    assert.equal(current(1), `public.ecr.aws/amazonlinux/amazonlinux:2023.12.20270101.0@${NEW}`);
  });

  test('--arg picks another image; a file without that ARG stops the run before anything is written', () => {
    // Dockerfile.single-stage has no UV_IMAGE line.
    const r = run(['--arg', 'UV_IMAGE'], { STUB_DIGEST: NEW });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /no 'ARG UV_IMAGE=' line/);
    unchanged();
  });

  for (const [name, digest] of [
    ['too short', 'sha256:abc123'],
    ['upper-case hex', `sha256:${'AB'.repeat(32)}`],
    ['another algorithm', `sha512:${'ab'.repeat(32)}`],
    ['empty', ''],
    ['two digests', `${NEW} ${NEW}`],
    ['an injection attempt', `${NEW}\nARG EVIL=1`],
  ]) {
    test(`refuses a malformed digest (${name}) and changes nothing`, () => {
      const r = run([], { STUB_DIGEST: digest });
      assert.notEqual(r.status, 0);
      assert.match(r.stderr, /refusing malformed digest/);
      unchanged();
    });
  }

  test('fails, changing nothing, when the resolver fails', () => {
    const r = run([], { STUB_EXIT: '3', STUB_DIGEST: NEW });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /could not resolve/);
    unchanged();
  });

  test('--check reports a stale pin with exit 1 and changes nothing; a current pin exits 0', () => {
    const stale = run(['--check'], { STUB_DIGEST: NEW });
    assert.equal(stale.status, 1);
    assert.match(stale.stderr, /is stale/);
    unchanged();
    const pinned = BASE_LINE.exec(originals[0])[1].split('@')[1];
    const fresh = run(['--check'], { STUB_DIGEST: pinned });
    assert.equal(fresh.status, 0, fresh.stderr);
    assert.match(fresh.stdout, /is current/);
  });

  test('rejects a bad tag before asking anyone', () => {
    const r = run(['--tag', 'x;rm -rf /'], { STUB_DIGEST: NEW });
    assert.notEqual(r.status, 0);
    assert.deepEqual(r.asked, []);
    unchanged();
  });
});
