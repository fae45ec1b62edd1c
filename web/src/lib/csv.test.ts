import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCsv } from './csv.js';

describe('parseCsv', () => {
  it('reads quoted fields, doubled quotes and line breaks inside quotes', () => {
    assert.deepEqual(parseCsv('label,note\r\nS01,"says ""hi"", twice"\r\nS02,"two\nlines"\r\n'), [
      ['label', 'note'], ['S01', 'says "hi", twice'], ['S02', 'two\nlines'],
    ]);
  });

  it('drops a byte-order mark and blank lines, keeps empty cells', () => {
    assert.deepEqual(parseCsv('\uFEFFlabel,group\n\nS01,\n,\nS02,ctl'), [['label', 'group'], ['S01', ''], ['S02', 'ctl']]);
  });

  it('detects semicolon and tab separators from the header', () => {
    assert.deepEqual(parseCsv('label;gender\nS01;F'), [['label', 'gender'], ['S01', 'F']]);
    assert.deepEqual(parseCsv('label\tgender\nS01\tM'), [['label', 'gender'], ['S01', 'M']]);
  });

  it('reads a single column without separators', () => {
    assert.deepEqual(parseCsv('label\nA\nB\n'), [['label'], ['A'], ['B']]);
  });
});
