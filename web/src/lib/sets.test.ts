import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toggled } from './sets.js';

describe('toggled', () => {
  it('adds, removes or flips a value in a copy, leaving the original as it was', () => {
    const start = new Set(['a']);
    assert.deepEqual([...toggled(start, 'b', true)], ['a', 'b']);
    assert.deepEqual([...toggled(start, 'a', false)], []);
    assert.deepEqual([...toggled(start, 'a', true)], ['a']);
    assert.deepEqual([...toggled(start, 'b')], ['a', 'b']);
    assert.deepEqual([...toggled(start, 'a')], []);
    assert.deepEqual([...start], ['a']);
  });
});
