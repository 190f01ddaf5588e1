'use strict';
// Durations as Docker, compose, ECS and the probe write them, and the deadline a probe command
// line will run under: the one parser every node suite here uses (the policy, the CDK template
// test, the container proof's drift check). No dependencies, so any suite can require it.

// 250ms, 2s, 1m, 1m30s; bare numbers are seconds. Milliseconds, or null when it is not one.
function parseDuration(text) {
  if (text === undefined || text === null) return null;
  const s = String(text).trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s) * 1000;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  const unit = { ms: 1, s: 1000, m: 60000, h: 3600000 };
  let total = 0;
  let m;
  let consumed = 0;
  while ((m = re.exec(s)) !== null) {
    total += Number(m[1]) * unit[m[2]];
    consumed = re.lastIndex;
  }
  return consumed === s.length && consumed > 0 ? total : null;
}

// The probe's own default deadline, when neither --timeout nor HEALTHPROBE_TIMEOUT sets one.
const PROBE_DEFAULT_TIMEOUT_MS = 2000;

// The deadline (ms) the probe will use: --timeout on its command line, else HEALTHPROBE_TIMEOUT
// from `env` (the image's or the container's environment), else the probe's default.
function probeDeadline(args, env = {}) {
  for (let k = 0; k < args.length; k++) {
    if (args[k] === '--timeout' && k + 1 < args.length) return parseDuration(args[k + 1]);
    if (args[k].startsWith('--timeout=')) return parseDuration(args[k].slice('--timeout='.length));
  }
  if (env.HEALTHPROBE_TIMEOUT !== undefined) return parseDuration(env.HEALTHPROBE_TIMEOUT);
  return PROBE_DEFAULT_TIMEOUT_MS;
}

module.exports = { parseDuration, probeDeadline };
