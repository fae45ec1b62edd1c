import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { asSentence, describeType, formatBytes, formatCount, timeAgo } from './format.js';

describe('format helpers', () => {
  it('formats sizes with binary units', () => {
    assert.equal(formatBytes(0), '0 B');
    assert.equal(formatBytes(1023), '1023 B');
    assert.equal(formatBytes(1536), '1.5 KB');
    assert.equal(formatBytes(5 * 1024 ** 3), '5.0 GB');
    assert.equal(formatBytes(300 * 1024 ** 2), '300 MB');
  });

  it('counts with the right plural', () => {
    assert.equal(formatCount(1, 'session'), '1 session');
    assert.equal(formatCount(1200, 'subject'), '1,200 subjects');
  });

  it('says how long ago', () => {
    const now = new Date('2024-03-10T12:00:00Z');
    assert.equal(timeAgo('2024-03-10T11:59:50Z', now), 'just now');
    assert.equal(timeAgo('2024-03-10T11:00:00Z', now), '1 hour ago');
    assert.equal(timeAgo('2024-03-09T10:00:00Z', now), 'yesterday');
    assert.equal(timeAgo('2024-01-01T00:00:00Z', now), '2024-01-01');
  });

  it('names XNAT types for people', () => {
    assert.equal(describeType('xnat:mrSessionData'), 'MR session');
    assert.equal(describeType('xnat:petmrSessionData'), 'PET/MR session');
    assert.equal(describeType('xnat:ctScanData'), 'CT scan');
    assert.equal(describeType('xnat:subjectVariablesData'), 'subjectVariables');
  });

  it('turns server messages into sentences', () => {
    assert.equal(asSentence('Subject already exists'), 'Subject already exists.');
    assert.equal(asSentence('unknown user: bob'), 'Unknown user: bob.');
    assert.equal(asSentence('Done!'), 'Done!');
  });
});
