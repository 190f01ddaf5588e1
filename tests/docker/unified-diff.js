'use strict';
// Unified diffs, as docker/MIGRATING.md shows the change a maintainer applies: found in the page's
// ```diff blocks, and applied to a file's text the way `patch --fuzz=0` would (every context and
// removed line must match exactly; a hunk may sit at another line than its header says, and then
// the match nearest to that line wins). The compose and CDK suites apply the page's own diffs to
// the models of the service's files, so a page whose diff no longer applies fails them.
// No dependencies (no patch(1) either), so any suite can require it.

// Every ```diff block of a Markdown page, each { file, text }, `file` from its "+++ b/PATH" line.
function diffBlocks(markdown) {
  const blocks = [];
  for (const m of markdown.matchAll(/^```diff\n([\s\S]*?)^```$/gm)) {
    const target = /^\+\+\+ b\/(\S+)/m.exec(m[1]);
    blocks.push({ file: target ? target[1] : null, text: m[1] });
  }
  return blocks;
}

// The hunks of one file's diff: { oldStart, oldLines, newLines } (old/new without the +/- marks).
function hunks(diff) {
  const out = [];
  let hunk = null;
  for (const line of diff.split('\n')) {
    const header = /^@@ -(\d+)(?:,\d+)? \+\d+(?:,\d+)? @@/.exec(line);
    if (header) {
      hunk = { oldStart: Number(header[1]), oldLines: [], newLines: [] };
      out.push(hunk);
    } else if (hunk && /^[ +-]/.test(line) && !/^(\+\+\+|---) /.test(line)) {
      const body = line.slice(1);
      if (line[0] !== '+') hunk.oldLines.push(body);
      if (line[0] !== '-') hunk.newLines.push(body);
    } else if (hunk && line === '') {
      // A blank context line whose leading space an editor trimmed.
      hunk.oldLines.push('');
      hunk.newLines.push('');
    }
  }
  // Trailing blank "context" lines are the block's own line ends, not part of the file.
  for (const h of out) {
    while (h.oldLines.length && h.oldLines[h.oldLines.length - 1] === '' && h.newLines[h.newLines.length - 1] === '') {
      h.oldLines.pop();
      h.newLines.pop();
    }
  }
  return out;
}

// `text` with `diff` applied; throws, naming the hunk, when one does not apply exactly.
function applyDiff(text, diff) {
  const lines = text.split('\n');
  let shift = 0; // how far the hunks so far moved the rest of the file
  for (const [k, h] of hunks(diff).entries()) {
    const want = h.oldStart - 1 + shift;
    let best = -1;
    for (let at = 0; at + h.oldLines.length <= lines.length; at++) {
      if (h.oldLines.every((l, j) => lines[at + j] === l) && (best < 0 || Math.abs(at - want) < Math.abs(best - want))) best = at;
    }
    if (best < 0) throw new Error(`hunk ${k + 1} (@@ -${h.oldStart}) does not apply: its lines are not in the file:\n${h.oldLines.join('\n')}`);
    lines.splice(best, h.oldLines.length, ...h.newLines);
    shift += h.newLines.length - h.oldLines.length;
  }
  return lines.join('\n');
}

module.exports = { diffBlocks, hunks, applyDiff };
