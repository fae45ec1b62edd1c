import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkFilePath, checkLabel, checkProjectId, checkResourceLabel, checkScanId, toLabelChars } from './names.js';

describe('names', () => {
  it('accepts XNAT-safe IDs and labels and refuses everything else with the value named', () => {
    assert.equal(checkProjectId('Study_01-a'), 'Study_01-a');
    assert.throws(() => checkProjectId('a b'), /Invalid character in project ID 'a b'/);
    assert.throws(() => checkProjectId(''), /must not be empty/);
    assert.throws(() => checkProjectId('x'.repeat(65)), /too long/);
    assert.throws(() => checkLabel('subject label', 'S/1'), /subject label/);
    assert.equal(checkScanId('1.2'), '1.2');
    assert.throws(() => checkScanId('.1'), /must not start/);
    assert.throws(() => checkResourceLabel('123'), /must not be a number/);
    assert.equal(toLabelChars(' DOE^JOHN '), 'DOE_JOHN');
  });

  it('normalises file paths and refuses traversal, absolute paths and control characters', () => {
    assert.equal(checkFilePath('a/b/c.dcm'), 'a/b/c.dcm');
    assert.equal(checkFilePath('a\\b.txt'), 'a/b.txt');
    assert.equal(checkFilePath('dir/'), 'dir');
    for (const bad of ['../x', 'a/../b', '/etc/passwd', 'a//b', './a', 'a\u0000b', '']) {
      assert.throws(() => checkFilePath(bad), Error, bad);
    }
  });
});
