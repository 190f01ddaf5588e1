'use strict';
// renovate.json's custom managers, applied the way Renovate applies them, to the files themselves:
// every line that pins an image by digest (ARG, FROM, COPY --from, `# syntax=`, a workflow's
// `image:`/`container:`) in docker/**/Dockerfile*, docker/**/*.yml, the root Dockerfile and the workflows
// (at any depth under docker/) is matched by exactly one manager, with the reference it holds; an `ARG X_DIGEST=` companion
// line is inside the match of its image, so Renovate's rewrite of that match (every occurrence of
// the old digest, autoReplaceGlobalMatch) updates both; one dependency carries one pin everywhere;
// and the package rules put the base and builder in one pull request. The files are read as they
// are, so a new pinned line without a manager fails here.
//
// Renovate compiles matchStrings with RE2 when it can and with JavaScript's RegExp otherwise, with
// the flag "g" only; the patterns avoid what the two disagree on (no lookaround, no backreferences,
// no inline flags), and Renovate's own extraction was checked against the same files (docs/RELEASING.md).

const { describe, test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const repo = path.resolve(__dirname, '..', '..');
const cfg = JSON.parse(fs.readFileSync(path.join(repo, 'renovate.json'), 'utf8'));
const NEW_DIGEST = `sha256:${'0'.repeat(64)}`;

// The files in scope, relative to the repository: what exists of them today. Under docker/, at any
// depth (the stand-in service has its own Dockerfile), every Dockerfile* and compose YAML.
function scopedFiles() {
  const walk = (dir) => fs.readdirSync(path.join(repo, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.posix.join(dir, e.name);
    if (e.isDirectory()) return ['node_modules', '.venv', '__pycache__'].includes(e.name) ? [] : walk(rel);
    return e.isFile() ? [rel] : [];
  });
  const docker = walk('docker').filter((f) => /(^|\/)Dockerfile[^/]*$|\.ya?ml$/.test(f));
  const root = fs.existsSync(path.join(repo, 'Dockerfile')) ? ['Dockerfile'] : [];
  const workflows = walk('.github/workflows').filter((f) => /\.ya?ml$/.test(f));
  return [...docker, ...root, ...workflows];
}

// Lines that pin: a reference with a digest on an instruction, syntax, image or container line.
const PIN = /([A-Za-z0-9][A-Za-z0-9._/:-]*)@(sha256:[0-9a-f]{64})/;
const COMPANION = /^ARG ([A-Z][A-Z0-9_]*)_DIGEST=(sha256:[0-9a-f]{64})\s*$/;
function pinnedLines(text) {
  const out = [];
  let offset = 0;
  for (const line of text.split('\n')) {
    const pin = PIN.exec(line);
    const isComment = /^\s*#/.test(line) && !/^# syntax=/.test(line);
    if (pin && !isComment) out.push({ line, ref: pin[0], at: offset + pin.index, kind: 'pin' });
    const companion = COMPANION.exec(line);
    if (companion) out.push({ line, name: companion[1], digest: companion[2], at: offset + line.indexOf('sha256:'), kind: 'companion' });
    offset += line.length + 1;
  }
  return out;
}

const pattern = (p) => {
  assert.match(p, /^\/.+\/$/, `managerFilePatterns entry ${p} is not a /regex/`);
  return new RegExp(p.slice(1, -1));
};
// Every match of every regex manager whose file patterns take FILE: { manager, matchString, start, end, groups, text }.
function matches(file, text) {
  const out = [];
  (cfg.customManagers || []).forEach((m, manager) => {
    if (m.customType !== 'regex' || !(m.managerFilePatterns || []).some((p) => pattern(p).test(file))) return;
    m.matchStrings.forEach((s, matchString) => {
      for (const r of text.matchAll(new RegExp(s, 'g'))) {
        out.push({ manager, matchString, start: r.index, end: r.index + r[0].length, groups: r.groups || {}, text: r[0] });
      }
    });
  });
  return out;
}

// What Renovate writes for an update of the dependency matched by M (its doAutoReplace).
function rewrite(text, m, newValue, newDigest) {
  let s = m.text;
  if (m.groups.currentValue && newValue) s = s.split(m.groups.currentValue).join(newValue);
  if (m.groups.currentDigest && newDigest) s = s.split(m.groups.currentDigest).join(newDigest);
  return text.slice(0, m.start) + s + text.slice(m.end);
}

// The package rules that apply to a dependency (the subset of Renovate's matchers used here).
function rulesFor(dep) {
  const nameMatches = (names) => names.some((n) => (n.startsWith('/') && n.endsWith('/') ? new RegExp(n.slice(1, -1)).test(dep.name) : n === dep.name));
  return (cfg.packageRules || []).filter((r) => (!r.matchPackageNames || nameMatches(r.matchPackageNames))
    && (!r.matchDatasources || r.matchDatasources.includes(dep.datasource))
    && (!r.matchManagers || r.matchManagers.includes(dep.manager)));
}

const files = scopedFiles();
const texts = Object.fromEntries(files.map((f) => [f, fs.readFileSync(path.join(repo, f), 'utf8')]));

describe('renovate.json', () => {
  test('only the custom managers and github-actions run, and github-actions leaves container images alone', () => {
    assert.deepEqual([...cfg.enabledManagers].sort(), ['custom.regex', 'github-actions']);
    assert.ok(cfg.packageRules.some((r) => r.enabled === false && r.matchManagers?.join() === 'github-actions'
      && r.matchDatasources?.join() === 'docker' && !r.matchPackageNames), 'a rule turns off the docker dependencies of github-actions');
  });

  test('the files in scope are there, and pin something', () => {
    for (const f of ['docker/Dockerfile', 'docker/Dockerfile.single-stage', '.github/workflows/release.yml']) {
      assert.ok(files.includes(f), `${f} is in scope (${files.join(', ')})`);
    }
    assert.ok(files.reduce((n, f) => n + pinnedLines(texts[f]).length, 0) >= 7);
  });

  for (const file of files) {
    test(`${file}: every pinned line is matched by exactly one manager, with the reference it holds`, () => {
      const all = matches(file, texts[file]);
      for (const p of pinnedLines(texts[file]).filter((x) => x.kind === 'pin')) {
        const hits = all.filter((m) => m.start <= p.at && p.at < m.end);
        assert.equal(hits.length, 1, `${file}: "${p.line}" is matched ${hits.length} times`);
        const { depName, currentValue, currentDigest } = hits[0].groups;
        assert.equal(`${depName}:${currentValue}@${currentDigest}`, p.ref, `${file}: what the manager reads from "${p.line}"`);
        assert.equal(cfg.customManagers[hits[0].manager].datasourceTemplate, 'docker');
        assert.equal(hits[0].text.split(currentValue).length - 1, 1, `${file}: the tag ${currentValue} appears once in the match, so only it is rewritten`);
      }
    });

    test(`${file}: an ARG X_DIGEST companion is rewritten with its image, and nothing else changes`, () => {
      const text = texts[file];
      for (const c of pinnedLines(text).filter((x) => x.kind === 'companion')) {
        const hits = matches(file, text).filter((m) => m.start <= c.at && c.at < m.end);
        assert.equal(hits.length, 1, `${file}: "${c.line}" lies in ${hits.length} matches`);
        const m = hits[0];
        assert.match(m.text, new RegExp(`\\nARG ${c.name}=\\S+@${c.digest}`), `${file}: ARG ${c.name}_DIGEST follows ARG ${c.name} in its match`);
        assert.equal(m.groups.currentDigest, c.digest, `${file}: ARG ${c.name}_DIGEST agrees with ARG ${c.name}`);
        const after = rewrite(text, m, 'NEW-TAG', NEW_DIGEST);
        assert.match(after, new RegExp(`^ARG ${c.name}=${m.groups.depName}:NEW-TAG@${NEW_DIGEST}$`, 'm'));
        assert.match(after, new RegExp(`^ARG ${c.name}_DIGEST=${NEW_DIGEST}$`, 'm'));
        const a = text.split('\n'); const b = after.split('\n');
        assert.equal(a.length, b.length);
        assert.equal(a.filter((line, k) => line !== b[k]).length, 2, 'the image line and its companion, no other line');
      }
    });
  }

  test('a companion that disagrees with its image is not what the manager reads (the policy test fails such a pair)', () => {
    const file = 'docker/Dockerfile';
    const text = `ARG BASE_IMAGE=example.org/base:1@sha256:${'a'.repeat(64)}\n# why\nARG BASE_IMAGE_DIGEST=sha256:${'b'.repeat(64)}\n`;
    const [m] = matches(file, `\n${text}`);
    assert.equal(m.groups.currentDigest, `sha256:${'a'.repeat(64)}`);
    assert.ok(!rewrite(`\n${text}`, m, null, NEW_DIGEST).includes(`ARG BASE_IMAGE_DIGEST=${NEW_DIGEST}`),
      'Renovate would leave a disagreeing companion: the two must agree before it runs');
  });

  test('the uv that docker/Dockerfile.single-stage installs from PyPI is one dependency, grouped with uv\'s image', () => {
    const file = 'docker/Dockerfile.single-stage';
    const uv = matches(file, texts[file]).filter((m) => /ARG UV_VERSION=/.test(m.text));
    assert.equal(uv.length, 1, 'UV_VERSION is matched once');
    assert.deepEqual({ datasource: uv[0].groups.datasource, depName: uv[0].groups.depName }, { datasource: 'pypi', depName: 'uv' });
    const image = /^ARG UV_IMAGE=ghcr\.io\/astral-sh\/uv:([^@]+)@/m.exec(texts['docker/Dockerfile']);
    assert.ok(image, 'docker/Dockerfile pins uv\'s image');
    assert.equal(uv[0].groups.currentValue, image[1], 'the baseline installs the release docker/Dockerfile copies');
    const group = (dep) => rulesFor(dep).map((r) => r.groupName).filter(Boolean).pop();
    assert.equal(group({ name: 'uv', datasource: 'pypi', manager: 'regex' }), 'uv');
    assert.equal(group({ name: 'ghcr.io/astral-sh/uv', datasource: 'docker', manager: 'regex' }), 'uv');
  });

  test('one dependency, one pin: every file that pins an image pins the same tag and digest', () => {
    const pins = {};
    for (const f of files) {
      for (const m of matches(f, texts[f]).filter((x) => x.groups.currentDigest)) {
        (pins[m.groups.depName] ||= new Set()).add(`${m.groups.currentValue}@${m.groups.currentDigest}`);
      }
    }
    for (const [dep, set] of Object.entries(pins)) assert.equal(set.size, 1, `${dep} is pinned differently: ${[...set].join(', ')}`);
    assert.ok(pins['docker.io/library/debian'], 'the probe builder is pinned');
  });

  test('the base and the builder arrive in one pull request, whatever the kind of update', () => {
    const groups = ['public.ecr.aws/amazonlinux/amazonlinux', 'docker.io/library/debian'].map((name) => {
      const rules = rulesFor({ name, datasource: 'docker', manager: 'regex' }).filter((r) => r.groupName);
      assert.ok(rules.length > 0, `${name} has a group`);
      for (const r of rules) assert.equal(r.matchUpdateTypes, undefined, `the group of ${name} is not limited to some update types`);
      return rules[rules.length - 1].groupName;
    });
    assert.equal(groups[0], groups[1]);
    for (const f of files) {
      for (const m of matches(f, texts[f]).filter((x) => x.groups.currentDigest)) {
        const rules = rulesFor({ name: m.groups.depName, datasource: 'docker', manager: 'regex' });
        assert.ok(!rules.some((r) => r.enabled === false), `${m.groups.depName} (${f}) is not disabled`);
      }
    }
  });
});
