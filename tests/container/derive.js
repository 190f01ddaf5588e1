'use strict';
// Derives a Containerfile that builds on this machine from an Amazon Linux Dockerfile (the drop-in
// docker/Dockerfile, or docker/standin/Dockerfile, the service's image today), and checks that an
// image built from it still has the real last stage's contract. Parsing is dockerfile-ast's, through
// the policy suite's own parse() (tests/docker/policy.js), so both suites read a Dockerfile one way.
//
//   node derive.js derive --dockerfile FILE [--builder FILE] [--drop-start-interval]
//       [--default NAME=VALUE]...
//       prints the derived Containerfile: the real last stage and the stages it needs, verbatim
//       (comments included), except: every dnf/microdnf/yum step is swapped for its Debian
//       equivalent (or dropped, when the base already has it), and the uv-based builder is replaced
//       by --builder (debian-builder.Dockerfile). --default sets a global ARG's default (added when
//       the file has none), so the local base (BASE_IMAGE), its Python (PYTHON_VERSION) and the
//       modelled dependencies (VENV_EXTRAS) need no build flags: the derived file builds with the
//       service's own command. Images come only from ARGs: the base (BASE_IMAGE) and the ones the
//       caller must pass (an ARG without a default, such as HEALTHPROBE_IMAGE).
//   node derive.js check --dockerfile FILE --derived FILE --config CONFIG.json
//       [--build-arg NAME=VALUE]... [--no-start-interval]
//       exits 1, listing every difference, when the derived file's last stage or the built image's
//       config differs from what the real last stage declares: USER, WORKDIR, ENV, HEALTHCHECK,
//       CMD, EXPOSE, VOLUME, COPY, LABEL.
//       CONFIG.json: {"Config": <inspect .Config>, "HealthCheck": <podman's inspect .HealthCheck>}.
const fs = require('fs');
const path = require('path');
const { parse, envOf } = require(path.join(__dirname, '..', 'docker', 'policy.js'));
const { parseDuration } = require(path.join(__dirname, '..', 'docker', 'duration.js'));

const PKG_MANAGER = /^(dnf|dnf5|microdnf|yum)$/;
// Each Amazon Linux package the real stages install, and what the local Debian base does instead.
// null: nothing to install (the base already has it). An unknown package stops the derivation, so a
// new runtime dependency cannot silently go missing from the contract image.
const DEBIAN_EQUIVALENT = [
  [/^python3(\.\d+)?$/, null], // debootstrap --include=python3: /usr/bin/python3.11 (PYTHON_VERSION=3.11)
  [/^shadow-utils$/, null], // useradd is in Debian's passwd, part of minbase
];
// Packages the real stages remove: absent from the Debian base in the first place.
const ABSENT_IN_BASE = [/^curl-minimal$/, /^curl$/];

function die(message) {
  process.stderr.write(`derive: ${message}\n`);
  process.exit(2);
}

function args(argv) {
  const out = { buildArgs: {}, defaults: {} };
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k];
    if (a === '--dockerfile') out.dockerfile = argv[++k];
    else if (a === '--builder') out.builder = argv[++k];
    else if (a === '--derived') out.derived = argv[++k];
    else if (a === '--config') out.config = argv[++k];
    else if (a === '--drop-start-interval') out.dropStartInterval = true;
    else if (a === '--no-start-interval') out.noStartInterval = true;
    else if (a === '--build-arg' || a === '--default') {
      const [n, ...v] = argv[++k].split('=');
      out[a === '--default' ? 'defaults' : 'buildArgs'][n] = v.join('=');
    } else if (!out.command) out.command = a;
    else die(`unknown argument ${a}`);
  }
  return out;
}

function lineStarts(text) {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  return starts;
}

// The shell text of a RUN as /bin/sh gets it (continuations joined, comment lines dropped).
function shellOf(runText) {
  return runText.replace(/^\s*RUN\s+/i, '').split(/\r?\n/)
    .filter((l, k) => k === 0 || !/^\s*#/.test(l))
    .join('\n')
    .replace(/\\\r?\n/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function unquote(word, vars) {
  return word.replace(/^["']|["']$/g, '').replace(/\$\{(\w+)\}|\$(\w+)/g, (m, a, b) => (vars[a || b] ?? m));
}

// One dnf step -> null (drop it) or the Debian command that replaces it.
function debianFor(segment, vars) {
  const words = segment.split(/\s+/);
  const sub = words.slice(1).find((w) => !w.startsWith('-'));
  const pkgs = words.slice(words.indexOf(sub) + 1).filter((w) => !w.startsWith('-')).map((w) => unquote(w, vars));
  if (sub === 'clean' || sub === 'makecache') return null;
  if (sub === 'remove' || sub === 'erase') {
    for (const p of pkgs) if (!ABSENT_IN_BASE.some((re) => re.test(p))) die(`no Debian rule for removing '${p}'`);
    return null;
  }
  if (sub !== 'install') die(`no Debian equivalent for '${segment}'`);
  const debs = [];
  for (const p of pkgs) {
    const rule = DEBIAN_EQUIVALENT.find(([re]) => re.test(p));
    if (!rule) die(`no Debian equivalent for the package '${p}' (add one to DEBIAN_EQUIVALENT in ${__filename})`);
    if (rule[1]) debs.push(rule[1]);
  }
  if (debs.length === 0) return null;
  return `apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ${debs.join(' ')} && rm -rf /var/lib/apt/lists/*`;
}

// A RUN whose dnf steps are swapped: the other steps (useradd, rm -rf ...) stay as they are.
function swapRun(text, vars) {
  const shell = shellOf(text);
  const steps = shell.split('&&').map((s) => s.trim());
  if (!steps.some((s) => PKG_MANAGER.test(s.split(/\s+/)[0]))) return null;
  for (const s of steps) {
    if (PKG_MANAGER.test(s.split(/\s+/)[0]) && /\|\||;|\|/.test(s)) die(`cannot swap a dnf step joined by other than &&: '${s}'`);
  }
  const kept = steps.map((s) => (PKG_MANAGER.test(s.split(/\s+/)[0]) ? debianFor(s, vars) : s)).filter(Boolean);
  if (kept.length === 0) return '# (derive.js: every step of this RUN was a dnf step the Debian base does not need)';
  return `RUN ${kept.join(' \\\n && ')}`;
}

function stageOf(p, name) {
  return p.stages.find((s) => (s.name || '').toLowerCase() === name);
}

// The stage `docker build` builds without --target.
function lastStage(p) {
  return p.stages[p.stages.length - 1];
}

// The preamble (global ARGs and their comments) with the given defaults set: an `ARG NAME[=...]`
// line is rewritten in place, a NAME the file lacks is appended.
function withDefaults(preamble, defaults) {
  let out = preamble.replace(/\s*$/, '\n');
  for (const [name, value] of Object.entries(defaults)) {
    const line = new RegExp(`^ARG ${name}(=.*)?$`, 'm');
    const arg = `ARG ${name}=${/\s/.test(value) ? `"${value}"` : value}`;
    out = line.test(out) ? out.replace(line, () => arg) : `${out}${arg}\n`;
  }
  return out;
}

function copyFroms(stage) {
  return stage.instructions.filter((i) => i.keyword === 'COPY')
    .map((i) => i.ins.getFlags().find((f) => f.getName() === 'from'))
    .filter(Boolean).map((f) => f.getValue());
}

// The text of each stage, leading comments included: from the end of the previous stage (or of
// the global ARGs) to the end of the stage's last instruction.
function chunks(p) {
  const starts = lineStarts(p.text);
  const lastLine = (ins) => ins.getRange().end.line;
  const pre = p.df.getInitialARGs();
  let prevEnd = pre.length ? lastLine(pre[pre.length - 1]) : -1;
  const offset = (line) => (line < starts.length ? starts[line] : p.text.length);
  const preamble = p.text.slice(0, offset(prevEnd + 1));
  const out = new Map();
  for (const s of p.stages) {
    const end = s.instructions.length ? lastLine(s.instructions[s.instructions.length - 1].ins) : lastLine(s.from);
    const begin = offset(prevEnd + 1);
    out.set(s, { begin, text: p.text.slice(begin, offset(end + 1)) });
    prevEnd = end;
  }
  return { preamble, chunks: out };
}

function derive(opt) {
  const text = fs.readFileSync(opt.dockerfile, 'utf8');
  const p = parse(text);
  const runtime = lastStage(p);
  const builderText = fs.readFileSync(opt.builder || path.join(__dirname, 'debian-builder.Dockerfile'), 'utf8');
  const { preamble, chunks: texts } = chunks(p);

  // The stages the runtime stage needs, found from its FROM chain and its COPY --from.
  const needed = new Set();
  const visit = (s) => {
    if (!s || needed.has(s)) return;
    needed.add(s);
    if (s.parent) visit(s.parent);
    if (s.name === 'builder') return; // replaced below: its inputs are not needed
    for (const from of copyFroms(s)) visit(stageOf(p, from.toLowerCase()));
  };
  visit(runtime);
  // The replacement builder's own inputs (the webhook's source).
  if ([...needed].some((s) => s.name === 'builder')) {
    for (const from of copyFroms(parse(builderText).stages[0])) visit(stageOf(p, from.toLowerCase()));
  }

  const out = [];
  out.push(withDefaults(preamble, opt.defaults));
  out.push(`\n# ===== GENERATED by tests/container/derive.js from ${path.basename(path.dirname(opt.dockerfile))}/${path.basename(opt.dockerfile)}: do not edit. =====\n`
    + '# Only the ARG defaults above, the package steps and the builder differ.\n');
  for (const s of p.stages) {
    if (!needed.has(s)) continue;
    if (s.name === 'builder') {
      out.push(`\n${builderText.replace(/\s*$/, '\n')}`);
      continue;
    }
    const root = s.parent ? null : s.from.getArguments().map((a) => a.getValue()).find((v) => !v.startsWith('--'));
    const callerArg = /^\$\{?(\w+)\}?$/.exec(root || '');
    if (root && root !== 'scratch' && root !== '${BASE_IMAGE}' && !(callerArg && p.requiredArgs.has(callerArg[1]))) {
      die(`stage '${s.name || '(last)'}' is built FROM ${root}: only \${BASE_IMAGE}, an ARG the caller passes, scratch and other stages can be built here`);
    }
    const { begin, text: chunk } = texts.get(s);
    const starts = lineStarts(p.text);
    const vars = { ...p.globalArgs, ...s.vars };
    const edits = [];
    for (const i of s.instructions) {
      const r = i.ins.getRange();
      const from = starts[r.start.line] + r.start.character - begin;
      const to = starts[r.end.line] + r.end.character - begin;
      if (i.keyword === 'RUN') {
        const swapped = swapRun(i.text, vars);
        if (swapped !== null) edits.push([from, to, swapped]);
      } else if (i.keyword === 'HEALTHCHECK' && opt.dropStartInterval) {
        edits.push([from, to, i.text.replace(/\s--start-interval(=|\s+)\S+/, '')]);
      }
    }
    let t = chunk;
    for (const [a, b, r] of edits.sort((x, y) => y[0] - x[0])) t = t.slice(0, a) + r + t.slice(b);
    out.push(t.replace(/\s*$/, '\n'));
  }
  return out.join('');
}

// ---------------------------------------------------------------------------------------------
// check: the derived file and the built image against the real runtime stage.
// ---------------------------------------------------------------------------------------------
const COMPARED = ['USER', 'WORKDIR', 'ENV', 'HEALTHCHECK', 'CMD', 'ENTRYPOINT', 'EXPOSE', 'COPY', 'LABEL', 'ARG', 'VOLUME', 'SHELL', 'STOPSIGNAL'];

function norm(t) {
  return t.replace(/\\\r?\n/g, ' ').replace(/\s+/g, ' ').trim();
}

function hcFlags(ins) {
  const f = {};
  for (const flag of ins.getFlags()) f[flag.getName()] = flag.getValue();
  return f;
}

// The exec-form JSON array of a CMD/HEALTHCHECK instruction's text.
function execForm(text) {
  const m = text.replace(/\\\r?\n/g, ' ').match(/(\[[\s\S]*\])\s*$/);
  if (!m) return null;
  try { return JSON.parse(m[1]); } catch { return null; }
}

function check(opt) {
  const problems = [];
  const real = parse(fs.readFileSync(opt.dockerfile, 'utf8'));
  const derived = parse(fs.readFileSync(opt.derived, 'utf8'));
  const rRuntime = lastStage(real);
  const dRuntime = lastStage(derived);

  // 1. The derived file's runtime stage and the stages it is built FROM (app, base): same
  // instructions, in the same order, except RUN.
  const inChain = (s) => { const out = []; for (let x = s; x; x = x.parent) out.unshift(x); return out; };
  const pick = (s) => inChain(s).flatMap((x) => x.instructions).filter((i) => COMPARED.includes(i.keyword));
  const ri = pick(rRuntime);
  const di = pick(dRuntime);
  for (let k = 0; k < Math.max(ri.length, di.length); k++) {
    const r = ri[k];
    const d = di[k];
    let rt = r ? norm(r.text) : '(none)';
    const dt = d ? norm(d.text) : '(none)';
    if (r && r.keyword === 'HEALTHCHECK' && opt.noStartInterval) rt = rt.replace(/\s--start-interval(=|\s+)\S+/, '');
    if (rt !== dt) problems.push(`runtime instruction ${k + 1}: real '${rt}' but derived '${dt}'`);
  }

  // 2. The built image's config against what the real runtime stage declares.
  if (opt.config) {
    // Docker's inspect has the health check in .Config.Healthcheck; podman's in .HealthCheck.
    const inspected = JSON.parse(fs.readFileSync(opt.config, 'utf8'));
    const cfg = inspected.Config || inspected;
    const last = (kw) => inChain(rRuntime).flatMap((x) => x.instructions).filter((i) => i.keyword === kw).pop();
    const want = {};
    const user = last('USER');
    want.User = user ? user.ins.getArguments().map((a) => a.getValue()).join(' ') : '';
    const wd = last('WORKDIR');
    want.WorkingDir = wd ? wd.ins.getArguments().map((a) => a.getValue()).join(' ') : '';
    const cmd = last('CMD');
    want.Cmd = cmd ? execForm(cmd.text) : null;
    const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
    if (cfg.User !== want.User) problems.push(`image User '${cfg.User}', real runtime stage '${want.User}'`);
    if (cfg.WorkingDir !== want.WorkingDir) problems.push(`image WorkingDir '${cfg.WorkingDir}', real '${want.WorkingDir}'`);
    if (!same(cfg.Cmd, want.Cmd)) problems.push(`image Cmd ${JSON.stringify(cfg.Cmd)}, real ${JSON.stringify(want.Cmd)}`);

    const hc = last('HEALTHCHECK');
    const got = cfg.Healthcheck || inspected.HealthCheck || {};
    if (!hc) problems.push('real runtime stage has no HEALTHCHECK');
    else {
      const f = hcFlags(hc.ins);
      const test = ['CMD', ...(execForm(hc.text) || ['(not exec form)'])];
      if (!same(got.Test, test)) problems.push(`image Healthcheck.Test ${JSON.stringify(got.Test)}, real ${JSON.stringify(test)}`);
      const ns = (v) => (v === undefined ? undefined : Math.round(parseDuration(v) * 1e6));
      const fields = [['interval', 'Interval'], ['timeout', 'Timeout'], ['start-period', 'StartPeriod'], ['retries', 'Retries']];
      if (!opt.noStartInterval) fields.push(['start-interval', 'StartInterval']);
      for (const [flag, key] of fields) {
        if (f[flag] === undefined) continue;
        const w = flag === 'retries' ? Number(f[flag]) : ns(f[flag]);
        if (got[key] !== w) problems.push(`image Healthcheck.${key} ${got[key]}, real --${flag}=${f[flag]} (${w})`);
      }
    }

    // ENV: every variable the runtime stage (and its base chain) sets, ARGs substituted as the build
    // had them. $PATH expands to the base's PATH, so PATH is compared by its declared prefix.
    const vars = { ...real.globalArgs, ...opt.buildArgs };
    const withArgs = { ...real, globalArgs: vars };
    const env = envOf(withArgs, rRuntime);
    const have = Object.fromEntries((cfg.Env || []).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
    for (const [k, v] of Object.entries(env)) {
      if (v.includes('$PATH') || v.includes('${PATH}')) {
        const prefix = v.split(/\$\{?PATH\}?/)[0];
        if (!(have[k] || '').startsWith(prefix)) problems.push(`image ENV ${k}='${have[k]}', real declares '${v}'`);
      } else if (have[k] !== v) problems.push(`image ENV ${k}='${have[k]}', real '${v}'`);
    }
    const volumes = inChain(rRuntime).flatMap((x) => x.instructions).filter((i) => i.keyword === 'VOLUME')
      .flatMap((i) => { const v = i.text.replace(/^VOLUME\s+/i, '').trim(); return v.startsWith('[') ? JSON.parse(v) : v.split(/\s+/); });
    const gotVolumes = Object.keys(cfg.Volumes || {}).sort();
    if (JSON.stringify(gotVolumes) !== JSON.stringify([...volumes].sort())) problems.push(`image Volumes ${gotVolumes.join(',') || '(none)'}, real ${volumes.join(',') || '(none)'}`);
    const exposed = inChain(rRuntime).flatMap((x) => x.instructions).filter((i) => i.keyword === 'EXPOSE')
      .flatMap((i) => i.ins.getArguments().map((a) => (a.getValue().includes('/') ? a.getValue() : `${a.getValue()}/tcp`)));
    for (const port of exposed) {
      if (!cfg.ExposedPorts || !(port in cfg.ExposedPorts)) problems.push(`image does not expose ${port}`);
    }
  }

  for (const msg of problems) process.stdout.write(`drift: ${msg}\n`);
  if (problems.length) process.exit(1);
  process.stdout.write(`no drift: last stage (${ri.length} instructions) and image config match ${opt.dockerfile}\n`);
}

const opt = args(process.argv.slice(2));
if (!opt.dockerfile) die('--dockerfile is required');
if (opt.command === 'derive') process.stdout.write(derive(opt));
else if (opt.command === 'check') {
  if (!opt.derived) die('check needs --derived');
  check(opt);
} else die('usage: derive.js derive|check --dockerfile FILE ...');
