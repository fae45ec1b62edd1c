import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileMerge, scanMerge, sessionMerge, type SessionFacts } from './merge-rules.js';

const session = (over: Partial<SessionFacts> = {}): SessionFacts => ({
  label: 'MR1', xsiType: 'xnat:mrSessionData', studyInstanceUid: '1.2.3', subjectId: 'S1', isAssessor: false, ...over,
});

describe('merge rules', () => {
  it('merges a session only into the same study under the same subject', () => {
    assert.deepEqual(sessionMerge(session(), session(), 'S1'), { ok: true });
    assert.match((sessionMerge(session(), session({ studyInstanceUid: '9.9' }), 'S1') as { message: string }).message, /another study \(StudyInstanceUID 9\.9/);
    assert.match((sessionMerge(session({ studyInstanceUid: undefined }), session(), 'S1') as { message: string }).message, /without a StudyInstanceUID/);
    assert.match((sessionMerge(session(), session({ subjectId: 'S2' }), 'S1') as { message: string }).message, /under another subject/);
    assert.match((sessionMerge(session(), session(), undefined) as { message: string }).message, /under another subject/);
    assert.match((sessionMerge(session(), session({ xsiType: 'xnat:ctSessionData' }), 'S1') as { message: string }).message, /is a xnat:ctSessionData/);
    assert.equal(sessionMerge(session(), session({ isAssessor: true }), 'S1').ok, false);
  });

  it('merges a scan only with the same SeriesInstanceUID', () => {
    assert.equal(scanMerge('3', '1.2', '1.2').ok, true);
    assert.match((scanMerge('3', '1.2', '1.3') as { message: string }).message, /another SeriesInstanceUID \(1\.3\)/);
    assert.equal(scanMerge('3', '', '').ok, false);
    assert.equal(scanMerge('3', undefined, '1.2').ok, false);
  });

  it('adds new files, skips identical ones and refuses different content at the same path', () => {
    assert.equal(fileMerge({ size: 3, md5: 'a' }, undefined), 'copy');
    assert.equal(fileMerge({ size: 3, md5: 'a' }, { size: 3, md5: 'a' }), 'same');
    assert.equal(fileMerge({ size: 3, md5: 'a' }, { size: 3, md5: 'b' }), 'conflict');
    assert.equal(fileMerge({ size: 3, md5: 'a' }, { size: 4, md5: 'a' }), 'conflict');
  });
});
