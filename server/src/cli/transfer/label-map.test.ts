import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseLabelMap } from './label-map.js';

describe('transfer label maps', () => {
  it('reads flags and a CSV file; a bare OLD=NEW maps a session', () => {
    const map = parseLabelMap(['subject:S1=S001', 'MR1=S001_MR1'], 'kind,old,new\n# comment\nsession,MR2,S001_MR2\n"subject","S2","S002"\n');
    assert.deepEqual([...map.subjects], [['S1', 'S001'], ['S2', 'S002']]);
    assert.deepEqual([...map.sessions], [['MR1', 'S001_MR1'], ['MR2', 'S001_MR2']]);
  });

  it('names the problem with a mapping', () => {
    assert.throws(() => parseLabelMap(['MR1']), /--map 'MR1': write subject:OLD=NEW or session:OLD=NEW/);
    assert.throws(() => parseLabelMap(['session:MR1=bad label']), /Invalid character in experiment label 'bad label'/);
    assert.throws(() => parseLabelMap([], 'scan,1,2\n'), /label map line 1: the kind must be subject or session, not 'scan'/);
    assert.throws(() => parseLabelMap([], 'session,MR1\n'), /label map line 1: expected kind,old,new/);
    assert.throws(() => parseLabelMap(['MR1=A', 'MR1=B']), /session MR1 is mapped twice/);
  });
});
