import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseXnatPath } from './xnat-path.js';

const p = (path: string) => parseXnatPath(path.split('/').filter((_, i, a) => i > 0 || a.length > 0).slice(0));

describe('XNAT URL grammar', () => {
  it('parses the archive hierarchy', () => {
    assert.deepEqual(p('projects'), { t: 'projects' });
    assert.deepEqual(p('projects/P'), { t: 'project', project: 'P' });
    assert.deepEqual(p('projects/P/prearchive_code/4'), { t: 'projectSetting', project: 'P', setting: 'prearchive_code', value: '4' });
    assert.deepEqual(p('projects/P/users/member/bob'), { t: 'projectUsers', project: 'P', group: 'member', users: 'bob' });
    assert.deepEqual(p('projects/P/subjects/S'), { t: 'subject', ref: { project: 'P', subject: 'S' } });
    assert.deepEqual(p('subjects/X'), { t: 'subject', ref: { subject: 'X' } });
    assert.deepEqual(p('projects/P/subjects/S/projects/D'), { t: 'shares', item: { kind: 'subject', ref: { project: 'P', subject: 'S' } }, dest: 'D' });
    assert.deepEqual(p('projects/P/subjects/S/experiments/E'), { t: 'experiment', ref: { project: 'P', subject: 'S', experiment: 'E' } });
    assert.deepEqual(p('experiments/E/scans/1'), { t: 'scan', session: { experiment: 'E' }, scan: '1' });
    assert.deepEqual(p('projects/P/config/anon/projects/P'), { t: 'config', project: 'P', tool: 'anon', path: 'projects/P' });
  });

  it('parses resources and files at every level, keeping nested paths and folder slashes', () => {
    assert.deepEqual(p('experiments/E/scans/ALL/files'), { t: 'files', owner: { kind: 'scan', session: { experiment: 'E' }, scan: 'ALL' }, path: undefined });
    assert.deepEqual(p('experiments/E/resources/DICOM/files/a/b.dcm'), { t: 'files', owner: { kind: 'experiment', ref: { experiment: 'E' } }, resource: 'DICOM', path: 'a/b.dcm' });
    assert.deepEqual(p('projects/P/resources/R/files/dir/'), { t: 'files', owner: { kind: 'project', project: 'P' }, resource: 'R', path: 'dir/' });
    assert.deepEqual(p('experiments/E/assessors/A/out/resources/R'), { t: 'resource', owner: { kind: 'assessor', session: { experiment: 'E' }, assessor: 'A' }, resource: 'R' });
    assert.equal(p('experiments/E/resources/R/other')?.t, 'invalid');
    assert.equal(p('experiments/E/reconstructions')?.t, 'unsupported');
    assert.equal(p('services/import'), undefined);
  });
});
