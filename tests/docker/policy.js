'use strict';
// The Dockerfile, ECS and Renovate policy of docker/, as plain functions that return
// violations, so the tests can run them on the real files and on broken fixtures alike.
// Parsing is dockerfile-ast's (continuations, comments, heredocs, ARG defaults in FROM); linting is
// dockerfile-utils'. Each violation is { rule, message, line } (line 1-based, 0 when file-wide).

const { DockerfileParser } = require('dockerfile-ast');
const { validate } = require('dockerfile-utils');
const { parseDuration, probeDeadline } = require('./duration');

const DIGEST = /@sha256:[0-9a-f]{64}$/;
// What a runtime image must not install: compilers and build tools, headers, curl, uv, pip.
const FORBIDDEN_PACKAGE = /^(gcc|gcc-c\+\+|gcc\d*|g\+\+|clang|cpp|make|cmake|binutils|curl|curl-minimal|libcurl-devel|uv|pip|python3(\.\d+)?-pip|.*-devel)$/;
// Commands that must not run in the runtime stage's chain at all.
const FORBIDDEN_COMMAND = /^(curl|wget|uv|uvx|pip|pip3(\.\d+)?|gcc|cc|g\+\+|clang|make)$/;
const PKG_MANAGER = /^(dnf|dnf5|microdnf|yum)$/;

function substitute(value, vars) {
  return value.replace(/\$\{(\w+)(?::[-+][^}]*)?\}|\$(\w+)/g, (whole, a, b) => {
    const name = a || b;
    return Object.prototype.hasOwnProperty.call(vars, name) ? vars[name] : whole;
  });
}

function lineOffsets(text) {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  return starts;
}

// Split the Dockerfile into stages, each with its instructions, its (ARG-expanded) base and its
// build ARG defaults (global ARGs redeclared in the stage, and the stage's own).
function parse(text) {
  const df = DockerfileParser.parse(text);
  const offsets = lineOffsets(text);
  const rangeText = (range) => text.slice(offsets[range.start.line] + range.start.character,
    offsets[range.end.line] + range.end.character);
  const globalArgs = {};
  // Global ARGs declared without a default: the build must be given them (--build-arg).
  const requiredArgs = new Set();
  for (const arg of df.getInitialARGs()) {
    const p = arg.getProperty();
    if (p && p.getValue() !== null) globalArgs[p.getName()] = p.getValue();
    else if (p) requiredArgs.add(p.getName());
  }
  const stages = [];
  let stage = null;
  for (const ins of df.getInstructions()) {
    const keyword = ins.getKeyword();
    if (keyword === 'FROM') {
      // dockerfile-ast keeps flags (--platform=...) out of the arguments: the image comes first.
      const expanded = ins.getExpandedArguments().map((a) => a.getValue());
      const image = expanded[0] || '';
      const platformFlag = ins.getFlags().find((f) => f.getName() === 'platform');
      stage = {
        name: ins.getBuildStage(), image, platform: platformFlag ? platformFlag.getValue() : null,
        from: ins, line: ins.getRange().start.line + 1, instructions: [], vars: {},
      };
      stages.push(stage);
      continue;
    }
    if (!stage) continue;
    if (keyword === 'ARG') {
      const p = ins.getProperty();
      if (p) {
        const name = p.getName();
        if (p.getValue() !== null) stage.vars[name] = p.getValue();
        else if (name in globalArgs) stage.vars[name] = globalArgs[name];
      }
    }
    stage.instructions.push({ ins, keyword, line: ins.getRange().start.line + 1, text: rangeText(ins.getRange()) });
  }
  const byName = new Map();
  for (const s of stages) {
    const parent = s.image && byName.get(s.image.toLowerCase());
    s.parent = parent || null;
    if (s.name) byName.set(s.name.toLowerCase(), s);
  }
  return { df, text, stages, byName, globalArgs, requiredArgs, directives: df.getDirectives() };
}

// A stage and the stages it is built FROM, nearest first.
function chain(stage) {
  const out = [];
  for (let s = stage; s; s = s.parent) out.push(s);
  return out;
}

function rootImage(stage) {
  const c = chain(stage);
  return c[c.length - 1].image;
}

// The shell a RUN hands to /bin/sh, as Docker builds it: comment lines inside a continuation are
// dropped, continuations joined; heredoc bodies are script lines (their own # lines are comments).
function shellText(runText) {
  const lines = runText.replace(/^\s*RUN\s+/i, '').split(/\r?\n/);
  const kept = lines.filter((l, k) => k === 0 || !/^\s*#/.test(l));
  const delimiters = [...kept.join('\n').matchAll(/<<-?\s*["']?(\w+)["']?/g)].map((m) => m[1]);
  return kept.filter((l) => !delimiters.includes(l.trim()))
    .join('\n')
    .replace(/<<-?\s*["']?\w+["']?/g, ' ')
    .replace(/\\\r?\n/g, ' ');
}

// Shell segments: split at &&, ||, ;, | and newlines.
function segments(runText) {
  return shellText(runText)
    .split(/&&|\|\||;|\||\n/)
    .map((s) => s.trim())
    .filter(Boolean);
}

function words(segment) {
  return segment.split(/\s+/).map((w) => w.replace(/^["']|["']$/g, ''));
}

function packageInstalls(segment, vars) {
  const w = words(segment).filter((x) => x !== 'sudo');
  if (!PKG_MANAGER.test(w[0] || '')) return null;
  const sub = w.slice(1).find((x) => !x.startsWith('-'));
  if (sub !== 'install' && sub !== 'reinstall') return null;
  return w.slice(w.indexOf(sub) + 1).filter((x) => !x.startsWith('-')).map((x) => substitute(x, vars));
}

function jsonForm(instructionText, afterKeyword) {
  const m = afterKeyword.exec(instructionText);
  if (!m) return null;
  const rest = instructionText.slice(m.index + m[0].length).replace(/\\\r?\n/g, ' ').trim();
  if (!rest.startsWith('[')) return null;
  try {
    const arr = JSON.parse(rest);
    return Array.isArray(arr) && arr.every((x) => typeof x === 'string') ? arr : null;
  } catch {
    return null;
  }
}

function isRoot(user) {
  const u = user.split(':')[0].trim();
  return u === '' || u === 'root' || u === '0';
}

function checkDockerfile(text) {
  const v = [];
  const add = (rule, message, line = 0) => v.push({ rule, message, line });

  // dockerfile-utils: every diagnostic of severity Error (1) is a violation.
  for (const d of validate(text)) {
    if (d.severity === 1) add('lint', `dockerfile-utils: ${d.message}`, d.range.start.line + 1);
  }

  const p = parse(text);
  const { stages } = p;

  const syntax = p.directives.find((d) => d.getName().toLowerCase() === 'syntax');
  if (!syntax || !DIGEST.test(syntax.getValue())) {
    add('pinned-syntax', `the "# syntax=" frontend must be pinned by @sha256 digest (${syntax ? syntax.getValue() : 'none'})`, 1);
  }

  const stageNames = new Set();
  for (const s of stages) {
    const img = s.image;
    const callerArg = callerSuppliedArg(p, img);
    if (callerArg && callerArg !== PROBE_IMAGE_ARG) {
      add('pinned-from', `FROM ${img} takes an ARG with no default: only ${PROBE_IMAGE_ARG} may be left to the caller`, s.line);
    } else if (!callerArg && img.toLowerCase() !== 'scratch' && !stageNames.has(img.toLowerCase()) && !DIGEST.test(img)) {
      add('pinned-from', `FROM ${img || '(empty)'} is not pinned by @sha256:<64 hex>`, s.line);
    }
    for (const i of s.instructions) {
      const refs = [];
      for (const f of i.ins.getFlags ? i.ins.getFlags() : []) {
        if (i.keyword === 'COPY' && f.getName() === 'from' && f.getValue()) refs.push(f.getValue());
        if (i.keyword === 'RUN' && f.getName() === 'mount' && f.getValue()) {
          const from = /(?:^|,)from=([^,]+)/.exec(f.getValue());
          if (from) refs.push(from[1]);
        }
      }
      for (const ref of refs) {
        const r = substitute(ref, { ...p.globalArgs, ...s.vars });
        if (!stageNames.has(r.toLowerCase()) && !/^\d+$/.test(r) && r.toLowerCase() !== 'scratch' && !DIGEST.test(r)) {
          add('pinned-from', `${i.keyword} --from=${r} names an image that is not pinned by digest`, i.line);
        }
      }
    }
    if (s.name) stageNames.add(s.name.toLowerCase());
  }

  if (stages.length < 3) add('min-stages', `${stages.length} stage(s); a multi-stage build needs at least 3`);
  if (stages.length === 0) return v;

  const runtime = stages[stages.length - 1];
  const runtimeChain = chain(runtime);
  const base = rootImage(runtime);
  // public.ecr.aws/amazonlinux/amazonlinux:2023..., amazonlinux:2023-minimal, ... (tag 2023*).
  const alImage = /^(?:[^/]+\/)*amazonlinux:(2023[^@]*)(@.*)?$/;
  const al = alImage.exec(base);
  if (!al) {
    add('runtime-al2023', `the runtime stage is built on ${base || '(nothing)'}, not Amazon Linux 2023`, runtime.line);
  }

  // Nothing to build or fetch with in the runtime stage or any stage it is built FROM.
  for (const s of runtimeChain) {
    const vars = { ...p.globalArgs, ...s.vars };
    for (const i of s.instructions) {
      if (i.keyword === 'RUN') {
        for (const seg of segments(i.text)) {
          const pkgs = packageInstalls(seg, vars);
          for (const pkg of pkgs || []) {
            if (FORBIDDEN_PACKAGE.test(pkg)) add('runtime-no-build-tools', `stage ${s.name || '?'} installs ${pkg}`, i.line);
          }
          const cmd = words(seg).filter((x) => x !== 'sudo' && !/^\w+=/.test(x))[0] || '';
          if (FORBIDDEN_COMMAND.test(cmd.split('/').pop())) {
            add('runtime-no-build-tools', `stage ${s.name || '?'} runs ${cmd}`, i.line);
          }
        }
      }
      if (i.keyword === 'COPY' || i.keyword === 'ADD') {
        const from = i.ins.getFlags().find((f) => f.getName() === 'from');
        const fromValue = from && substitute(from.getValue() || '', vars);
        const fromStage = fromValue && p.byName.get(fromValue.toLowerCase());
        const fromImage = fromStage ? rootImage(fromStage) : fromValue;
        const sources = i.ins.getArguments().map((a) => a.getValue()).slice(0, -1);
        if ((fromImage && /(^|\/)astral-sh\/uv[:@]/.test(fromImage)) || sources.some((src) => /(^|\/)uvx?$/.test(src))) {
          add('runtime-no-build-tools', `stage ${s.name || '?'} copies uv (${i.text.split('\n')[0].trim()})`, i.line);
        }
      }
    }
  }

  // chain() is nearest-first and instructions within a stage are in order: the effective one is
  // the runtime stage's last, else the nearest ancestor's last.
  const lastOf = (kw) => {
    for (const s of runtimeChain) {
      const list = s.instructions.filter((i) => i.keyword === kw);
      if (list.length) return list[list.length - 1];
    }
    return null;
  };

  const hc = lastOf('HEALTHCHECK');
  let hcArgs = null;
  if (!hc) {
    add('healthcheck-probe', 'the runtime stage has no HEALTHCHECK');
  } else {
    hcArgs = jsonForm(hc.text, /\bCMD\b/i);
    if (!hcArgs) add('exec-form', 'HEALTHCHECK CMD is not in exec (JSON array) form', hc.line);
    const first = hcArgs ? hcArgs[0] : (hc.text.match(/\bCMD\s+(\S+)/i) || [])[1] || '';
    if (!/(^|\/)healthprobe$/.test(first)) add('healthcheck-probe', `HEALTHCHECK runs ${first || 'nothing'}, not healthprobe`, hc.line);
  }

  const cmd = lastOf('CMD');
  const entry = lastOf('ENTRYPOINT');
  if (!cmd) {
    add('cmd-python', 'the runtime stage has no CMD');
  } else {
    const args = jsonForm(cmd.text, /\bCMD\b/i);
    if (!args) add('exec-form', 'CMD is not in exec (JSON array) form', cmd.line);
    const entryArgs = entry ? (jsonForm(entry.text, /\bENTRYPOINT\b/i) || [entry.text]) : [];
    const all = [...entryArgs, ...(args || [cmd.text.replace(/^\s*CMD\s+/i, '')])];
    const program = (all[0] || '').split(/\s+/)[0].split('/').pop();
    if (!/^python3?(\.\d+)?$/.test(program)) add('cmd-python', `the server starts with ${program || 'nothing'}, not python`, cmd.line);
    if (all.some((a) => /(^|\/|\s)uvx?(\s|$)/.test(a))) add('cmd-python', 'the server is started through uv', cmd.line);
  }

  const user = lastOf('USER');
  if (!user || isRoot(user.ins.getArguments().map((a) => a.getValue()).join(' '))) {
    add('non-root-user', `the last USER is ${user ? user.text.replace(/^\s*USER\s+/i, '').trim() : 'unset (root)'}`, user ? user.line : runtime.line);
  }

  // The probe's deadline must fire before Docker kills it, with a second to spare.
  if (hc) {
    const flag = (name) => { const f = hc.ins.getFlags().find((x) => x.getName() === name); return f ? f.getValue() : null; };
    const dockerTimeout = parseDuration(flag('timeout') ?? '30s');
    const deadline = probeDeadline(hcArgs || [], envOf(p, runtime));
    if (dockerTimeout === null || deadline === null) {
      add('healthcheck-deadline', 'cannot read the HEALTHCHECK --timeout or the probe deadline', hc.line);
    } else if (deadline + 1000 > dockerTimeout) {
      add('healthcheck-deadline', `probe deadline ${deadline} ms is not at least 1 s below HEALTHCHECK --timeout ${dockerTimeout} ms`, hc.line);
    }
  }

  checkProbeCrossBuild(p, add);
  checkBuildTimeProbe(p, runtimeChain, add);
  checkExplicitContextCopy(p, add);
  checkProbeImage(p, add);

  // Anywhere in the file: no `curl ... | sh` (or wget), heredocs included.
  for (const s of stages) {
    for (const i of s.instructions) {
      if (i.keyword !== 'RUN') continue;
      const flat = shellText(i.text);
      if (/\b(curl|wget)\b[^|;&\n]*\|\s*(sudo\s+)?(env\s+\S+=\S+\s+)*(ba|da|z|k)?sh\b/.test(flat)) {
        add('no-curl-pipe-sh', 'a downloaded script is piped into a shell', i.line);
      }
      // Every dnf/yum install is cleaned in the same RUN, after it.
      const segs = segments(i.text);
      let pending = null;
      for (const seg of segs) {
        if (packageInstalls(seg, {}) !== null) pending = pending || seg;
        const w = words(seg).filter((x) => x !== 'sudo');
        if (PKG_MANAGER.test(w[0] || '') && w.includes('clean') && w.includes('all')) pending = null;
      }
      if (pending) add('dnf-clean', `"${pending}" is not followed by "dnf clean all" in the same RUN`, i.line);
    }
  }
  return v;
}

// A stage that builds the probe (runs cmake) runs on the build machine and cross-compiles for the
// image's arch: FROM --platform=$BUILDPLATFORM, ARG TARGETARCH, and TARGETARCH choosing the arm64
// preset. Without it every --platform builds the build machine's probe (or emulates the compiler).
function checkProbeCrossBuild(p, add) {
  for (const s of p.stages) {
    const runs = s.instructions.filter((i) => i.keyword === 'RUN');
    if (!runs.some((i) => /\bcmake\b/.test(shellText(i.text)))) continue;
    if (!/^\$\{?BUILDPLATFORM\}?$/.test(s.platform || '')) {
      add('probe-cross-build', `stage ${s.name || '?'} builds the probe but is not FROM --platform=$BUILDPLATFORM (${s.platform || 'no --platform'})`, s.line);
    }
    const declared = s.instructions.some((i) => i.keyword === 'ARG' && i.ins.getProperty() && i.ins.getProperty().getName() === 'TARGETARCH');
    const wired = runs.some((i) => /\$\{?TARGETARCH\}?/.test(i.text) && /release-arm64/.test(i.text));
    if (!declared || !wired) {
      add('probe-cross-build', `stage ${s.name || '?'} does not choose the probe's preset from TARGETARCH (ARG TARGETARCH ${declared ? 'declared' : 'missing'}; release-arm64 ${wired ? 'wired' : 'not wired'} to it)`, s.line);
    }
  }
}

// An image that requires distributions in its venv (HEALTHPROBE_REQUIRE) checks them while it is
// built: a RUN of the probe with --no-http in the runtime chain, after the venv is copied and the
// requirement set, so a wrong WEBHOOK_REQUIRE fails `docker build` instead of the deploy.
function checkBuildTimeProbe(p, runtimeChain, add) {
  const ordered = [...runtimeChain].reverse().flatMap((s) => s.instructions);
  const requireAt = ordered.findIndex((i) => i.keyword === 'ENV' && i.ins.getProperties().some((x) => x.getName() === 'HEALTHPROBE_REQUIRE'));
  if (requireAt < 0) return;
  let venvAt = -1;
  ordered.forEach((i, k) => { if (i.keyword === 'COPY' && /\.venv\b/.test(i.text)) venvAt = k; });
  const ok = ordered.some((i, k) => {
    if (i.keyword !== 'RUN' || k < requireAt || k < venvAt) return false;
    const args = jsonForm(i.text, /\bRUN\b/i);
    const argv = args || words(shellText(i.text));
    return /(^|\/)healthprobe$/.test(argv[0] || '') && (argv.includes('--no-http') || argv.includes('--url') && argv[argv.indexOf('--url') + 1] === 'none');
  });
  if (!ok) add('build-time-probe', 'the image sets HEALTHPROBE_REQUIRE but no RUN of healthprobe --no-http after the venv and that ENV checks it at build time');
}

// The service's source is copied from the build context path by path: `COPY . /app` would carry a
// developer's .venv, .env or caches (or the service's tests and scripts) into the image.
function checkExplicitContextCopy(p, add) {
  for (const s of p.stages) {
    for (const i of s.instructions) {
      if (i.keyword !== 'COPY' && i.keyword !== 'ADD') continue;
      if (i.ins.getFlags().some((f) => f.getName() === 'from')) continue;
      const sources = i.ins.getArguments().map((a) => a.getValue()).slice(0, -1);
      const whole = sources.filter((src) => /^(\.|\.\/|\/|\*|\/\*|\.\/\*)$/.test(src));
      if (whole.length) add('explicit-context-copy', `${i.keyword} ${whole.join(' ')} copies the whole build context; name the paths`, i.line);
    }
  }
}

// The one image ARG a build may leave to its caller: the published probe. Until its first release
// there is no digest to write, so the ARG has no default and every build passes it; from then on
// its default is that release, tag and index digest (pinned-from checks the digest).
const PROBE_IMAGE_ARG = 'HEALTHPROBE_IMAGE';
const RELEASE_TAG = /:\d+\.\d+\.\d+(@|$)/;

// FROM ${NAME} (or $NAME) where NAME is a global ARG without a default: NAME, else null.
function callerSuppliedArg(p, image) {
  const m = /^\$\{?(\w+)\}?$/.exec(image);
  return m && p.requiredArgs.has(m[1]) ? m[1] : null;
}

// A default for HEALTHPROBE_IMAGE names a release (X.Y.Z), never a moving tag such as latest.
function checkProbeImage(p, add) {
  const value = p.globalArgs[PROBE_IMAGE_ARG];
  if (value !== undefined && !RELEASE_TAG.test(value)) {
    add('probe-image', `ARG ${PROBE_IMAGE_ARG}=${value} does not name a release tag (X.Y.Z)`);
  }
}

// The runtime stage's environment as ENV leaves it (ARG defaults substituted).
function envOf(p, runtime) {
  const env = {};
  for (const s of chain(runtime).reverse()) {
    const vars = { ...p.globalArgs, ...s.vars };
    for (const i of s.instructions) {
      if (i.keyword !== 'ENV') continue;
      for (const prop of i.ins.getProperties()) env[prop.getName()] = substitute(prop.getValue() || '', { ...vars, ...env });
    }
  }
  return env;
}

const ECS_RANGES = { interval: [5, 300], timeout: [2, 60], retries: [1, 10], startPeriod: [0, 300] };

// docker/ecs-healthcheck.json: { "healthCheck": { command, interval, timeout, retries, startPeriod } }.
function checkEcs(json, imageEnv = {}) {
  const v = [];
  const add = (rule, message) => v.push({ rule, message, line: 0 });
  const hc = json && (json.healthCheck || json);
  if (!hc || typeof hc !== 'object') return [{ rule: 'ecs-shape', message: 'no healthCheck object', line: 0 }];
  const cmd = hc.command;
  if (!Array.isArray(cmd) || cmd[0] !== 'CMD' || !/(^|\/)healthprobe$/.test(cmd[1] || '')) {
    add('ecs-command', `command must be ["CMD", "/usr/local/bin/healthprobe", ...], got ${JSON.stringify(cmd)}`);
  }
  for (const [key, [lo, hi]] of Object.entries(ECS_RANGES)) {
    const val = hc[key];
    if (!Number.isInteger(val) || val < lo || val > hi) add('ecs-range', `${key}=${JSON.stringify(val)} is outside ECS's ${lo}-${hi}`);
  }
  if (Number.isInteger(hc.timeout) && Array.isArray(cmd)) {
    const deadline = probeDeadline(cmd.slice(2), imageEnv);
    if (deadline === null || deadline + 1000 > hc.timeout * 1000) {
      add('ecs-deadline', `probe deadline ${deadline} ms is not at least 1 s below the ECS timeout ${hc.timeout} s`);
    }
  }
  return v;
}

// renovate.json: valid JSON (the caller parses), a manager that updates docker/Dockerfile (the
// built-in dockerfile manager, or a custom regex manager whose file patterns match it), digests pinned.
function checkRenovate(cfg) {
  const v = [];
  const add = (rule, message) => v.push({ rule, message, line: 0 });
  if (!cfg || typeof cfg !== 'object' || Array.isArray(cfg)) return [{ rule: 'renovate-shape', message: 'not a JSON object', line: 0 }];
  const extendsList = Array.isArray(cfg.extends) ? cfg.extends : [];
  const rules = Array.isArray(cfg.packageRules) ? cfg.packageRules : [];
  const dockerish = (r) => (r.matchDatasources || []).includes('docker') || (r.matchManagers || []).includes('dockerfile');
  const pinned = cfg.pinDigests === true || extendsList.includes('docker:pinDigests') || rules.some((r) => dockerish(r) && r.pinDigests === true);
  const unpinned = cfg.pinDigests === false || rules.some((r) => dockerish(r) && r.pinDigests === false);
  if (!pinned || unpinned) add('renovate-pin', 'Docker digests are not pinned (docker:pinDigests or pinDigests: true for the docker datasource)');
  const enabled = (name) => !Array.isArray(cfg.enabledManagers) || cfg.enabledManagers.includes(name);
  const builtIn = enabled('dockerfile') && !(cfg.dockerfile && cfg.dockerfile.enabled === false);
  const pattern = (p) => (p.length > 1 && p.startsWith('/') && p.endsWith('/') ? new RegExp(p.slice(1, -1)) : null);
  const custom = enabled('custom.regex') && (Array.isArray(cfg.customManagers) ? cfg.customManagers : [])
    .some((m) => m.customType === 'regex' && m.datasourceTemplate === 'docker'
      && (m.managerFilePatterns || []).some((p) => pattern(p) && pattern(p).test('docker/Dockerfile')));
  if ((!builtIn && !custom) || cfg.enabled === false) add('renovate-pin', 'no manager updates docker/Dockerfile (the dockerfile manager is off and no custom docker manager matches it)');
  return v;
}

module.exports = { checkDockerfile, checkEcs, checkRenovate, parse, envOf, parseDuration, probeDeadline };
