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
const crypto = require('node:crypto');
const sha = (text) => `sha256:${crypto.createHash('sha256').update(text).digest('hex')}`;
const AMD64 = `sha256:${'a1'.repeat(32)}`;
const ARM64 = `sha256:${'b2'.repeat(32)}`;
// A registry's answers, as `imagetools inspect --raw` prints them.
const index = (platforms = [['amd64', AMD64], ['arm64', ARM64]]) => `${JSON.stringify({
  schemaVersion: 2,
  mediaType: 'application/vnd.oci.image.index.v1+json',
  manifests: platforms.map(([architecture, digest]) => ({
    mediaType: 'application/vnd.oci.image.manifest.v1+json', digest, size: 1234, platform: { architecture, os: 'linux' },
  })),
}, null, 2)}\n`;
const single = `${JSON.stringify({
  schemaVersion: 2,
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${'c3'.repeat(32)}`, size: 1 },
  layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: `sha256:${'d4'.repeat(32)}`, size: 2 }],
}, null, 2)}\n`;
const INDEX = index();
const NEW = sha(INDEX);
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

// run(args, manifestText, env): the stub registry answers with manifestText.
function run(args, manifestText = INDEX, env = {}) {
  const answer = path.join(dir, 'manifest.json');
  fs.writeFileSync(answer, manifestText);
  const r = spawnSync('bash', [script, ...files.flatMap((f) => ['--file', f]), ...args], {
    env: { ...process.env, DIGEST_RESOLVER: stub, STUB_LOG: log, STUB_MANIFEST: answer, ...env }, encoding: 'utf8',
  });
  return { ...r, asked: fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : [] };
}
const current = (i = 0) => BASE_LINE.exec(fs.readFileSync(files[i], 'utf8'))[1];
const unchanged = () => files.forEach((f, i) => assert.equal(fs.readFileSync(f, 'utf8'), originals[i], `${f} changed`));

describe('update-base-digest.sh', () => {
  test('re-pins the same tag to the resolved digest in both Dockerfiles, touching only that line', () => {
    const before = BASE_LINE.exec(originals[0])[1];
    const tag = before.split('@')[0];
    const r = run([]);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.asked, [tag], 'asks the registry about the pinned tag');
    files.forEach((f, i) => {
      assert.equal(current(i), `${tag}@${NEW}`);
      const a = originals[i].split('\n'); const b = fs.readFileSync(f, 'utf8').split('\n');
      assert.equal(a.length, b.length);
      // The pinned reference, and in docker/Dockerfile its companion BASE_IMAGE_DIGEST (the label's).
      const changed = a.filter((line, k) => line !== b[k]);
      assert.equal(changed.length, i === 0 ? 2 : 1, `lines of ${f} that differ: ${changed.join(' | ')}`);
      if (i === 0) assert.match(fs.readFileSync(f, 'utf8'), new RegExp(`^ARG BASE_IMAGE_DIGEST=${NEW}$`, 'm'));
    });
  });

  test('moves to a new tag with --tag', () => {
    const r = run(['--tag', '2023.12.20270101.0']);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.asked, ['public.ecr.aws/amazonlinux/amazonlinux:2023.12.20270101.0']);
    assert.equal(current(1), `public.ecr.aws/amazonlinux/amazonlinux:2023.12.20270101.0@${NEW}`);
  });

  test('--arg picks another image; a file without that ARG stops the run before anything is written', () => {
    // Dockerfile.single-stage has no UV_IMAGE line.
    const r = run(['--arg', 'UV_IMAGE']);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /no 'ARG UV_IMAGE=' line/);
    unchanged();
  });

  for (const [name, answer, reason] of [
    ['a single-platform manifest', single, /single-platform manifest, not a multi-platform index/],
    ['an index without arm64', index([['amd64', AMD64]]), /no linux\/arm64 image/],
    ['an empty answer', '', /empty manifest/],
    ['an error page', '<html>429 Too Many Requests</html>\n', /not an image manifest/],
  ]) {
    test(`refuses ${name} and changes nothing`, () => {
      const r = run([], answer);
      assert.notEqual(r.status, 0);
      assert.match(r.stderr, reason);
      unchanged();
    });
  }

  test('a pinned per-platform digest is replaced by its index digest, and says so', () => {
    // Pin the amd64 manifest of the index first (the review's finding on the Debian pin).
    files.forEach((f) => fs.writeFileSync(f, fs.readFileSync(f, 'utf8').replace(/(ARG BASE_IMAGE=[^@\n]+)@sha256:[0-9a-f]{64}/, `$1@${AMD64}`)));
    const tag = current().split('@')[0];
    const check = run(['--check']);
    assert.equal(check.status, 1);
    assert.match(check.stderr, new RegExp(`pins ${AMD64}, a per-platform manifest of .*index ${NEW}`));
    assert.match(check.stderr, /is not an index digest/);
    assert.equal(current(), `${tag}@${AMD64}`, '--check changes nothing');
    const r = run([]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /per-platform manifest/);
    files.forEach((f, i) => assert.equal(current(i), `${tag}@${NEW}`));
  });

  test('the digest written is the sha256 of the index bytes, not of any platform', () => {
    const r = run([]);
    assert.equal(r.status, 0, r.stderr);
    assert.notEqual(current().split('@')[1], AMD64);
    assert.equal(current().split('@')[1], sha(INDEX));
  });

  test('fails, changing nothing, when the resolver fails', () => {
    const r = run([], INDEX, { STUB_EXIT: '3' });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /could not resolve/);
    unchanged();
  });

  test('--check reports a stale pin with exit 1 and changes nothing; a current pin exits 0', () => {
    const stale = run(['--check']);
    assert.equal(stale.status, 1);
    assert.match(stale.stderr, /is stale/);
    unchanged();
    run([]); // pin the index digest, then ask again
    const fresh = run(['--check']);
    assert.equal(fresh.status, 0, fresh.stderr);
    assert.match(fresh.stdout, /is current/);
  });

  test("moves the published probe image (ARG HEALTHPROBE_IMAGE) to a new release, touching only that line", () => {
    // docker/Dockerfile takes the probe from its published image; a copy gets the line if it has none yet.
    const text = fs.readFileSync(files[0], 'utf8');
    const line = /^ARG HEALTHPROBE_IMAGE=.*$/m;
    const pinned = `ARG HEALTHPROBE_IMAGE=ghcr.io/example/healthprobe:0.1.0@sha256:${'e5'.repeat(32)}`;
    const before = line.test(text) ? text : text.replace(/^(ARG UV_IMAGE=.*)$/m, `$1\n${pinned}`);
    fs.writeFileSync(files[0], before);
    const answer = path.join(dir, 'manifest.json');
    fs.writeFileSync(answer, INDEX);
    const repoName = line.exec(before)[0].split('=')[1].split('@')[0].replace(/:[^:/]+$/, '');
    const r = spawnSync('bash', [script, '--arg', 'HEALTHPROBE_IMAGE', '--file', files[0], '--tag', '0.2.0'], {
      env: { ...process.env, DIGEST_RESOLVER: stub, STUB_LOG: log, STUB_MANIFEST: answer }, encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(fs.readFileSync(log, 'utf8').trim().split('\n'), [`${repoName}:0.2.0`]);
    const after = fs.readFileSync(files[0], 'utf8');
    assert.equal(line.exec(after)[0], `ARG HEALTHPROBE_IMAGE=${repoName}:0.2.0@${NEW}`);
    const a = before.split('\n'); const b = after.split('\n');
    assert.deepEqual(a.filter((l, k) => l !== b[k]), [line.exec(before)[0]], 'only the HEALTHPROBE_IMAGE line changed');
  });

  test('without --file, every Dockerfile that pins the ARG moves, and only those', () => {
    // A copy of the repository's Dockerfiles and the two scripts, in the same layout.
    const tree = fs.mkdtempSync(path.join(os.tmpdir(), 'tree-'));
    const dockerfiles = (dir) => fs.readdirSync(path.join(repo, dir), { withFileTypes: true }).flatMap((e) => {
      const rel = path.join(dir, e.name);
      if (e.isDirectory()) return ['node_modules', '.venv'].includes(e.name) ? [] : dockerfiles(rel);
      return e.isFile() && e.name.startsWith('Dockerfile') ? [rel] : [];
    });
    const copies = [...dockerfiles('docker'), ...(fs.existsSync(path.join(repo, 'Dockerfile')) ? ['Dockerfile'] : [])];
    for (const rel of [...copies, 'docker/update-base-digest.sh', 'docker/index-digest.sh']) {
      fs.mkdirSync(path.join(tree, path.dirname(rel)), { recursive: true });
      fs.copyFileSync(path.join(repo, rel), path.join(tree, rel));
    }
    const answer = path.join(dir, 'manifest.json');
    fs.writeFileSync(answer, INDEX);
    const before = Object.fromEntries(copies.map((rel) => [rel, fs.readFileSync(path.join(tree, rel), 'utf8')]));
    const pins = (rel) => /^ARG BASE_IMAGE=/m.test(before[rel]);
    assert.ok(copies.filter(pins).length >= 2, `the base is pinned in several files: ${copies.join(', ')}`);
    const r = spawnSync('bash', [path.join(tree, 'docker', 'update-base-digest.sh')], {
      env: { ...process.env, DIGEST_RESOLVER: stub, STUB_LOG: log, STUB_MANIFEST: answer }, encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    for (const rel of copies) {
      const after = fs.readFileSync(path.join(tree, rel), 'utf8');
      if (pins(rel)) assert.match(after, new RegExp(`^ARG BASE_IMAGE=[^@\\n]+@${NEW}$`, 'm'), `${rel} moved`);
      else assert.equal(after, before[rel], `${rel} pins no base and is untouched`);
    }
    const none = spawnSync('bash', [path.join(tree, 'docker', 'update-base-digest.sh'), '--arg', 'NO_SUCH_IMAGE'], {
      env: { ...process.env, DIGEST_RESOLVER: stub, STUB_LOG: log, STUB_MANIFEST: answer }, encoding: 'utf8',
    });
    assert.notEqual(none.status, 0);
    assert.match(none.stderr, /no Dockerfile pins 'ARG NO_SUCH_IMAGE='/);
  });

  test('rejects a bad tag before asking anyone', () => {
    const r = run(['--tag', 'x;rm -rf /']);
    assert.notEqual(r.status, 0);
    assert.deepEqual(r.asked, []);
    unchanged();
  });
});
