import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { planArchive, type ExistingSession, type IncomingSession } from './archive-merge.js';

const f = (name: string, md5 = `md5-${name}`, size = 10) => ({ name, size, md5 });
const incoming: IncomingSession = {
  label: 'S01_MR1', xsiType: 'xnat:mrSessionData', studyUid: '1.2.3',
  scans: [{ scanId: '1', seriesUid: '1.2.3.1', files: [f('a'), f('b')] }, { scanId: '2', seriesUid: '1.2.3.2', files: [f('c')] }],
};
const existing = (over: Partial<ExistingSession> = {}): ExistingSession => ({
  label: 'S01_MR1', xsiType: 'xnat:mrSessionData', studyUid: '1.2.3', subjectId: 'SUBJ', subjectLabel: 'S01', isAssessor: false, isShared: false,
  ownerProject: 'P', scans: [{ scanId: '1', seriesUid: '1.2.3.1', files: [f('a')] }], ...over,
});

describe('archive merge rules', () => {
  test('a new label archives every scan as it is', () => {
    const plan = planArchive('P', incoming, undefined, undefined, 'none');
    assert.ok(plan.ok);
    assert.deepEqual(plan.steps.map((s) => [s.from, s.to, s.kind, s.add]), [['1', '1', 'new', ['a', 'b']], ['2', '2', 'new', ['c']]]);
    assert.equal(plan.merge, false);
  });

  test('another StudyInstanceUID is refused whatever overwrite says, naming both UIDs', () => {
    for (const overwrite of ['none', 'append', 'delete'] as const) {
      const plan = planArchive('P', incoming, existing({ studyUid: '9.9.9' }), 'SUBJ', overwrite);
      assert.equal(plan.ok, false);
      if (!plan.ok) {
        assert.match(plan.message, /9\.9\.9/);
        assert.match(plan.message, /1\.2\.3/);
      }
    }
  });

  test('another subject, another type, an assessor or a shared session is refused', () => {
    const cases: [Partial<ExistingSession>, string | undefined, RegExp][] = [
      [{}, 'OTHER', /different subject/],
      [{ xsiType: 'xnat:ctSessionData' }, 'SUBJ', /another modality/],
      [{ isAssessor: true }, 'SUBJ', /assessor/],
      [{ isShared: true, ownerProject: 'SRC' }, 'SUBJ', /shared in from project SRC/],
    ];
    for (const [over, subject, message] of cases) {
      const plan = planArchive('P', incoming, existing(over), subject, 'append');
      assert.equal(plan.ok, false);
      if (!plan.ok) assert.match(plan.message, message);
    }
  });

  test('overwrite=none refuses to merge into an existing session', () => {
    const plan = planArchive('P', incoming, existing(), 'SUBJ', 'none');
    assert.equal(plan.ok, false);
    if (!plan.ok) assert.match(plan.message, /already exists.*overwrite=append/);
  });

  test('append adds new instances to a known series and new series as new scans', () => {
    const plan = planArchive('P', incoming, existing(), 'SUBJ', 'append');
    assert.ok(plan.ok);
    assert.deepEqual(plan.steps.map((s) => [s.from, s.to, s.kind, s.add, s.same]), [['1', '1', 'merge', ['b'], 1], ['2', '2', 'new', ['c'], 0]]);
  });

  test('a new series whose number is taken by another series gets the next free ID', () => {
    const taken = existing({ scans: [{ scanId: '2', seriesUid: 'other', files: [] }, { scanId: '2-2', seriesUid: 'other2', files: [] }] });
    const plan = planArchive('P', incoming, taken, 'SUBJ', 'append');
    assert.ok(plan.ok);
    assert.deepEqual(plan.steps.map((s) => [s.from, s.to]), [['1', '1'], ['2', '2-3']]);
  });

  test('instances whose bytes differ are refused with append and replaced with delete', () => {
    const changed = existing({ scans: [{ scanId: '1', seriesUid: '1.2.3.1', files: [f('a', 'another-md5')] }] });
    const refused = planArchive('P', incoming, changed, 'SUBJ', 'append');
    assert.equal(refused.ok, false);
    if (!refused.ok) assert.match(refused.message, /scan 1 has 1 file\(s\) whose content differs.*overwrite=delete/);
    const replaced = planArchive('P', incoming, changed, 'SUBJ', 'delete');
    assert.ok(replaced.ok);
    assert.deepEqual(replaced.steps[0]?.replace, ['a']);
    assert.deepEqual(replaced.steps[0]?.add, ['b']);
  });
});
