'use strict';
// unified-diff.js: the applier the compose and CDK suites trust with docker/MIGRATING.md's diffs.

const { describe, test } = require('node:test');
const assert = require('node:assert/strict');
const { diffBlocks, applyDiff } = require('./unified-diff');

const before = ['a', 'b', 'x', 'c', 'd', 'e', 'b', 'x', 'c', 'f'].join('\n');
const hunk = (start) => `--- a/f\n+++ b/f\n@@ -${start},3 +${start},3 @@\n b\n-x\n+y\n c\n`;

describe('unified-diff.js', () => {
  test('applies a hunk where its header says, and the nearest match when the context repeats', () => {
    assert.equal(applyDiff(before, hunk(2)), ['a', 'b', 'y', 'c', 'd', 'e', 'b', 'x', 'c', 'f'].join('\n'));
    assert.equal(applyDiff(before, hunk(7)), ['a', 'b', 'x', 'c', 'd', 'e', 'b', 'y', 'c', 'f'].join('\n'));
  });

  test('a hunk whose context is not in the file throws instead of guessing', () => {
    assert.throws(() => applyDiff(before, '@@ -1,2 +1,2 @@\n a\n-q\n+r\n'), /hunk 1 .* does not apply/);
  });

  test('later hunks account for the lines earlier ones added', () => {
    const two = '@@ -1,2 +1,4 @@\n a\n+1\n+2\n b\n@@ -9,2 +11,2 @@\n c\n-f\n+g\n';
    assert.equal(applyDiff(before, two), ['a', '1', '2', 'b', 'x', 'c', 'd', 'e', 'b', 'x', 'c', 'g'].join('\n'));
  });

  test('finds each ```diff block of a page with the file it changes', () => {
    const page = `text\n\n\`\`\`diff\n--- a/lib/x.ts\n+++ b/lib/x.ts\n@@ -1 +1 @@\n-a\n+b\n\`\`\`\n\n\`\`\`sh\nls\n\`\`\`\n`;
    assert.deepEqual(diffBlocks(page).map((b) => b.file), ['lib/x.ts']);
  });
});
