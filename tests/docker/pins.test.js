'use strict';
// The pin rule (docker/index-digest.sh) on saved raw manifests, and docker/check-pins.sh, the
// workflow's registry check, against a stand-in registry that answers with those files' exact
// bytes. fixtures/manifests/ holds one of each kind a registry serves: an index formatted as
// Docker Hub's official images are (indented, ending in a newline), a compact Docker manifest
// list with no final newline, a single-platform image manifest, and an index without arm64.

const { describe, test, beforeEach } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const repo = path.resolve(__dirname, '..', '..');
const indexDigest = path.join(repo, 'docker', 'index-digest.sh');
const checkPins = path.join(repo, 'docker', 'check-pins.sh');
const resolver = path.join(__dirname, 'fixtures', 'map-resolver.sh');
const manifests = path.join(__dirname, 'fixtures', 'manifests');
const manifest = (name) => path.join(manifests, name);
const sha = (bytes) => `sha256:${crypto.createHash('sha256').update(bytes).digest('hex')}`;
const digestOf = (name) => sha(fs.readFileSync(manifest(name)));

const OFFICIAL = 'official-index-newline.json';
const COMPACT = 'manifest-list-compact.json';
const SINGLE = 'single-platform.json';
const NO_ARM64 = 'index-without-arm64.json';

function run(script, args, env = {}) {
  return spawnSync('bash', [script, ...args], { env: { ...process.env, ...env }, encoding: 'utf8' });
}

describe('docker/index-digest.sh on saved manifests', () => {
  test('the official-image index ends in a newline, and its digest is the hash of every byte, newline included', () => {
    const bytes = fs.readFileSync(manifest(OFFICIAL));
    assert.equal(bytes[bytes.length - 1], 0x0a, 'the fixture keeps the final newline');
    const r = run(indexDigest, ['--manifest', manifest(OFFICIAL)]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), sha(bytes));
    // What hashing "$(…)" computed: the same bytes without the final newline, another digest.
    assert.notEqual(r.stdout.trim(), sha(bytes.subarray(0, bytes.length - 1)));
  });

  test('a compact manifest list without a final newline: the hash of exactly its bytes', () => {
    const bytes = fs.readFileSync(manifest(COMPACT));
    assert.notEqual(bytes[bytes.length - 1], 0x0a);
    const r = run(indexDigest, ['--manifest', manifest(COMPACT)]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), sha(bytes));
  });

  for (const [name, reason] of [
    [SINGLE, /single-platform manifest, not a multi-platform index/],
    [NO_ARM64, /no linux\/arm64 image \(it has: amd64,arm\)/],
  ]) {
    test(`refuses ${name}, printing no digest`, () => {
      const r = run(indexDigest, ['--manifest', manifest(name), '--as', 'example.org/x:1']);
      assert.equal(r.status, 1);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, reason);
      assert.match(r.stderr, /example\.org\/x:1/, 'names the reference it was given');
    });
  }

  test('refuses an empty answer and an error page', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'manifest-'));
    fs.writeFileSync(path.join(dir, 'empty'), '');
    fs.writeFileSync(path.join(dir, 'html'), '<html>429 Too Many Requests</html>\n');
    assert.match(run(indexDigest, ['--manifest', path.join(dir, 'empty')]).stderr, /empty manifest/);
    assert.match(run(indexDigest, ['--manifest', path.join(dir, 'html')]).stderr, /not an image manifest/);
  });
});

describe('docker/check-pins.sh against a stand-in registry', () => {
  let dir; let map; let log;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pins-'));
    map = path.join(dir, 'map');
    log = path.join(dir, 'asked');
    fs.writeFileSync(map, '');
  });
  // serve(REF, FILE): the registry answers REF with FILE's bytes.
  const serve = (ref, name) => fs.appendFileSync(map, `${ref} ${manifest(name)}\n`);
  const dockerfile = (text) => { const f = path.join(dir, 'Dockerfile'); fs.writeFileSync(f, text); return f; };
  const check = (...files) => {
    const r = run(checkPins, files, { DIGEST_RESOLVER: resolver, STUB_MAP: map, STUB_LOG: log, GITHUB_ACTIONS: '' });
    return { ...r, asked: fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : [] };
  };

  test("a correct pin of a newline-terminated official index passes (the case the workflow's old check failed)", () => {
    const d = digestOf(OFFICIAL);
    serve(`docker.io/library/debian@${d}`, OFFICIAL);
    serve('docker.io/library/debian:bookworm-20260918', OFFICIAL);
    const r = check(dockerfile(`ARG PROBE_BUILDER_IMAGE=docker.io/library/debian:bookworm-20260918@${d}\n`));
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /ok docker\.io\/library\/debian:bookworm-20260918@sha256:[0-9a-f]{64}: a multi-platform index/);
    assert.deepEqual(r.asked, [`docker.io/library/debian@${d}`, 'docker.io/library/debian:bookworm-20260918']);
    assert.equal(r.stderr, '', 'current, so nothing to report');
  });

  test('every kind of pinned line is found: syntax, ARG, FROM, COPY --from, a workflow image; comments are not', () => {
    const d = digestOf(COMPACT);
    for (const name of ['docker/dockerfile', 'example.org/a', 'example.org/b', 'example.org/c', 'localhost:5000/d']) {
      serve(`${name}@${d}`, COMPACT);
    }
    const file = dockerfile([
      `# syntax=docker/dockerfile:1.17@${d}`,
      `ARG A_IMAGE=example.org/a:1.0@${d}`,
      `FROM --platform=$BUILDPLATFORM example.org/b:2.0@${d} AS b`,
      `COPY --chown=0:0 --from=example.org/c:3.0@${d} /x /x`,
      `# a comment naming example.org/zzz:1@${d} is prose`,
    ].join('\n'));
    const workflow = path.join(dir, 'wf.yml');
    fs.writeFileSync(workflow, `jobs:\n  t:\n    container:\n      image: localhost:5000/d:4@${d}\n`);
    const r = check(file, workflow);
    assert.equal(r.status, 0, r.stderr);
    const pinned = r.asked.filter((a) => a.includes('@'));
    assert.deepEqual(pinned.sort(), ['docker/dockerfile', 'example.org/a', 'example.org/b', 'example.org/c', 'localhost:5000/d']
      .map((n) => `${n}@${d}`).sort());
    assert.ok(r.asked.includes('localhost:5000/d:4'), "a registry's :port is not a tag");
  });

  test('a pinned single-platform manifest fails, naming it', () => {
    const d = digestOf(SINGLE);
    serve(`example.org/app@${d}`, SINGLE);
    const r = check(dockerfile(`ARG BASE_IMAGE=example.org/app:1@${d}\n`));
    assert.equal(r.status, 1);
    assert.match(r.stderr, /example\.org\/app:1@sha256:[0-9a-f]{64}: .*single-platform manifest/);
  });

  test('a pinned index without arm64 fails', () => {
    const d = digestOf(NO_ARM64);
    serve(`example.org/app@${d}`, NO_ARM64);
    const r = check(dockerfile(`ARG BASE_IMAGE=example.org/app:1@${d}\n`));
    assert.equal(r.status, 1);
    assert.match(r.stderr, /no linux\/arm64 image/);
  });

  test('bytes that do not hash to the pinned digest fail', () => {
    const pinned = digestOf(OFFICIAL);
    serve(`example.org/app@${pinned}`, COMPACT); // a registry (or a man in the middle) serving other bytes
    const r = check(dockerfile(`ARG BASE_IMAGE=example.org/app:1@${pinned}\n`));
    assert.equal(r.status, 1);
    assert.match(r.stderr, new RegExp(`hash to ${digestOf(COMPACT)}`));
  });

  test('an unresolvable pin fails; the other pins are still checked', () => {
    const d = digestOf(COMPACT);
    serve(`example.org/good@${d}`, COMPACT);
    const r = check(dockerfile(`ARG A_IMAGE=example.org/gone:1@${d}\nARG B_IMAGE=example.org/good@${d}\n`));
    assert.equal(r.status, 1);
    assert.match(r.stderr, /example\.org\/gone:1@.*could not resolve/);
    assert.match(r.stdout, /ok example\.org\/good@/);
  });

  test('a tag that has moved on is reported as stale, and does not fail a correct pin', () => {
    const d = digestOf(OFFICIAL);
    serve(`example.org/app@${d}`, OFFICIAL);
    serve('example.org/app:1', COMPACT);
    const r = check(dockerfile(`ARG BASE_IMAGE=example.org/app:1@${d}\n`));
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`example\\.org/app:1 now points at ${digestOf(COMPACT)}, not the pinned ${d}`));
  });

  test('on GitHub Actions, a wrong pin is an error annotation', () => {
    const d = digestOf(SINGLE);
    serve(`example.org/app@${d}`, SINGLE);
    const r = run(checkPins, [dockerfile(`ARG BASE_IMAGE=example.org/app:1@${d}\n`)],
      { DIGEST_RESOLVER: resolver, STUB_MAP: map, STUB_LOG: log, GITHUB_ACTIONS: 'true' });
    assert.equal(r.status, 1);
    assert.match(r.stdout, /^::error::example\.org\/app:1@/m);
  });

  test('a file without any pin is an error, not a pass', () => {
    const r = check(dockerfile('FROM scratch\n'));
    assert.equal(r.status, 1);
    assert.match(r.stderr, /no pinned reference/);
  });

  test("the repository's own pins are all found (asked about, registry answers aside)", () => {
    // Nothing served: every pin fails to resolve, which lists exactly what the workflow will check.
    const r = check();
    assert.equal(r.status, 1);
    const dockerfiles = (dir) => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
      if (e.isDirectory()) return ['node_modules', '.venv'].includes(e.name) ? [] : dockerfiles(path.join(dir, e.name));
      return e.isFile() && e.name.startsWith('Dockerfile') ? [path.join(dir, e.name)] : [];
    });
    const files = [...dockerfiles(path.join(repo, 'docker')), path.join(repo, 'Dockerfile'),
      ...fs.readdirSync(path.join(repo, '.github', 'workflows'))
        .filter((f) => f.endsWith('.yml')).map((f) => path.join(repo, '.github', 'workflows', f))]
      .filter((f) => fs.existsSync(f));
    const want = new Set();
    for (const f of files) {
      for (const m of fs.readFileSync(f, 'utf8').matchAll(/([A-Za-z0-9][A-Za-z0-9._/:-]*)@(sha256:[0-9a-f]{64})/g)) {
        const name = m[1]; const slash = name.lastIndexOf('/'); const colon = name.lastIndexOf(':');
        want.add(`${colon > slash ? name.slice(0, colon) : name}@${m[2]}`);
      }
    }
    assert.ok(want.size >= 4, `expected the base, builder, uv and syntax pins, found ${[...want].join(', ')}`);
    assert.deepEqual([...new Set(r.asked)].sort(), [...want].sort());
  });
});
