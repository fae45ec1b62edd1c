import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ApiClient } from '../support/api-client.js';
import { addMember, makeProject, makeScan, makeSession, makeSubject } from '../support/builders.js';
import { testDialects } from '../support/dialects.js';
import { buildTestApp, type TestApp } from '../support/test-app.js';
import { getTransfer, postTransfer, startTransfer, waitForTransfer } from '../support/transfers.js';

const md5 = (b: Buffer | string) => crypto.createHash('md5').update(b).digest('hex');
const labels = (rows: Record<string, string>[]) => rows.map((r) => r.label).sort();

for (const dialect of testDialects()) {
  describe(`transfers between projects (${dialect})`, () => {
    let t: TestApp;
    let alice: ApiClient; // owner of ALPHA, member of BETA, owner of GAMMA
    let bob: ApiClient; // owner of BETA
    let carl: ApiClient; // collaborator of BETA, member of ALPHA
    const one = Buffer.from('first file '.repeat(500));
    const two = Buffer.from('second file '.repeat(300));

    const upload = async (client: ApiClient, url: string, body: Buffer | string) => assert.equal((await client.upload(url, body)).status, 200);

    before(async () => {
      t = await buildTestApp(dialect);
      alice = await t.user('alice');
      bob = await t.user('bob');
      carl = await t.user('carl');
      await makeProject(alice, 'ALPHA');
      await makeProject(bob, 'BETA');
      await makeProject(alice, 'GAMMA');
      await addMember(bob, 'BETA', 'member', 'alice');
      await addMember(bob, 'BETA', 'collaborator', 'carl');
      await addMember(alice, 'ALPHA', 'member', 'carl');
      // Source: S01 with MR1 (two scans, a session resource, an assessor) and a subject resource; S02 with MR2.
      await makeSubject(alice, 'ALPHA', 'S01', { gender: 'female' });
      await makeSession(alice, 'ALPHA', 'S01', 'MR1', { UID: '1.2.840.1' });
      await makeScan(alice, 'ALPHA', 'S01', 'MR1', '1', { UID: '1.2.840.1.1', type: 'T1' });
      await makeScan(alice, 'ALPHA', 'S01', 'MR1', '2', { UID: '1.2.840.1.2', type: 'T2' });
      await upload(alice, '/data/projects/ALPHA/subjects/S01/experiments/MR1/scans/1/resources/DICOM/files/1.dcm', one);
      await upload(alice, '/data/projects/ALPHA/subjects/S01/experiments/MR1/scans/1/resources/DICOM/files/2.dcm', two);
      await upload(alice, '/data/projects/ALPHA/subjects/S01/experiments/MR1/scans/2/resources/DICOM/files/1.dcm', two);
      await upload(alice, '/data/projects/ALPHA/subjects/S01/experiments/MR1/resources/NOTES/files/notes.txt', 'notes');
      await upload(alice, '/data/projects/ALPHA/subjects/S01/resources/CONSENT/files/consent.pdf', '%PDF');
      assert.equal((await alice.put('/data/projects/ALPHA/experiments/MR1/assessors/QC1', { query: { xsiType: 'xnat:qcManualAssessorData' } })).status, 201);
      await upload(alice, '/data/projects/ALPHA/experiments/MR1/assessors/QC1/resources/QC/files/qc.json', '{"pass":true}');
      await makeSubject(alice, 'ALPHA', 'S02');
      await makeSession(alice, 'ALPHA', 'S02', 'MR2', { UID: '1.2.840.2' });
      await makeScan(alice, 'ALPHA', 'S02', 'MR2', '1', { UID: '1.2.840.2.1' });
      await upload(alice, '/data/projects/ALPHA/subjects/S02/experiments/MR2/scans/1/resources/DICOM/files/1.dcm', one);
      // Destination: the same study MR1 under S01 with scan 1 and one identical file; another study labelled MR2.
      await makeSubject(bob, 'BETA', 'S01');
      await makeSession(bob, 'BETA', 'S01', 'MR1', { UID: '1.2.840.1' });
      await makeScan(bob, 'BETA', 'S01', 'MR1', '1', { UID: '1.2.840.1.1', type: 'T1' });
      await upload(bob, '/data/projects/BETA/subjects/S01/experiments/MR1/scans/1/resources/DICOM/files/1.dcm', one);
      await makeSubject(bob, 'BETA', 'OTHER');
      await makeSession(bob, 'BETA', 'OTHER', 'MR2', { UID: '9.9.9' });
    });
    after(() => t.close());

    it('answers the pre-transfer checklist in a dry run, changing nothing', async () => {
      const res = await postTransfer(alice, { source: 'ALPHA', destination: 'BETA', subjects: ['S01', 'S02'], dryRun: true });
      assert.equal(res.status, 200, res.text);
      const { checklist, dryRun } = res.json();
      assert.equal(dryRun, true);
      assert.equal(checklist.ok, false);
      assert.deepEqual(checklist.access.source, { project: 'ALPHA', role: 'owner', read: true, write: true, delete: true });
      assert.deepEqual(checklist.access.destination, { project: 'BETA', role: 'member', read: true, write: true, delete: false, createSubjects: true });
      assert.deepEqual(checklist.destinationSettings, { prearchiveCode: 0, uploadsGoTo: 'prearchive', transfersGoTo: 'archive', quarantineCode: 0, allowSubjectCreation: true });
      assert.deepEqual(checklist.subjects.map((s: any) => [s.sourceLabel, s.destLabel, s.action]), [['S01', 'S01', 'merge'], ['S02', 'S02', 'create']]);
      const mr1 = checklist.experiments.find((e: any) => e.sourceLabel === 'MR1');
      assert.equal(mr1.action, 'merge');
      assert.deepEqual(mr1.studyInstanceUid, { source: '1.2.840.1', destination: '1.2.840.1', agree: true });
      assert.deepEqual(mr1.scans, [{ id: '1', action: 'merge' }, { id: '2', action: 'create' }]);
      assert.deepEqual(mr1.assessors, [{ sourceLabel: 'QC1', destLabel: 'QC1' }]);
      assert.equal(mr1.filesAlreadyThere, 1, 'the identical file is skipped');
      assert.equal(mr1.files, 4, '2.dcm of scan 1, scan 2, notes, the assessor file');
      const mr2 = checklist.experiments.find((e: any) => e.sourceLabel === 'MR2');
      assert.deepEqual(checklist.problems.map((p: any) => p.item), ['experiment MR2']);
      assert.match(checklist.problems[0].message, /already has an experiment MR2 under another subject/);
      assert.equal(mr2.action, 'create');
      assert.deepEqual(checklist.totals, { subjects: 2, experiments: 2, assessors: 1, scans: 3, resources: 6, files: 6, bytes: checklist.totals.bytes, filesAlreadyThere: 1 });
      assert.equal(checklist.totals.bytes, two.length * 2 + 5 + 13 + 4 + one.length);
      assert.equal(checklist.storage.method, 'hardlink');
      assert.equal(checklist.storage.bytesNeeded, 0);
      assert.match(checklist.warnings.join('\n'), /sends uploads to its prearchive; transfers are archived directly/);
      assert.deepEqual(labels((await bob.get('/data/projects/BETA/subjects?format=json')).rows()), ['OTHER', 'S01']);
    });

    it('refuses to start while the checklist has problems (409 with the checklist)', async () => {
      const res = await postTransfer(alice, { source: 'ALPHA', destination: 'BETA', subjects: ['S01', 'S02'] });
      assert.equal(res.status, 409, res.text);
      const error = res.json().error;
      assert.equal(error.code, 'conflict');
      assert.match(error.message, /The transfer cannot start: .*MR2 under another subject/);
      assert.equal(error.details.checklist.problems.length, 1);
      const uid = await postTransfer(alice, { source: 'ALPHA', destination: 'BETA', experiments: ['MR2'], subjectLabels: { S02: 'OTHER' }, dryRun: true });
      const problem = uid.json().checklist.problems[0];
      assert.equal(problem.kind, 'uid');
      assert.match(problem.message, /another study \(StudyInstanceUID 9\.9\.9, the source has 1\.2\.840\.2\)/);
    });

    it('refuses a user without write access in the destination (403)', async () => {
      const dry = await postTransfer(carl, { source: 'ALPHA', destination: 'BETA', subjects: ['S02'], experimentLabels: { MR2: 'C_MR2' }, dryRun: true });
      assert.equal(dry.status, 200);
      assert.equal(dry.json().checklist.access.destination.write, false);
      assert.match(dry.json().checklist.problems[0].message, /You need write access \(Member or Owner\) in project BETA/);
      const res = await postTransfer(carl, { source: 'ALPHA', destination: 'BETA', subjects: ['S02'], experimentLabels: { MR2: 'C_MR2' } });
      assert.equal(res.status, 403, res.text);
      const move = await postTransfer(carl, { source: 'ALPHA', destination: 'GAMMA', subjects: ['S02'], mode: 'move', dryRun: true });
      assert.equal(move.status, 404, 'GAMMA is invisible to carl');
      const moveBack = await postTransfer(carl, { source: 'ALPHA', destination: 'BETA', subjects: ['S02'], mode: 'move', experimentLabels: { MR2: 'C_MR2' }, dryRun: true });
      assert.match(moveBack.json().checklist.problems.map((p: any) => p.message).join('\n'), /A move deletes the data from project ALPHA afterwards: you need owner rights there/);
    });

    it('refuses a user who cannot read the source', async () => {
      const dave = await t.user('dave');
      await makeProject(dave, 'DAVE');
      const res = await postTransfer(dave, { source: 'ALPHA', destination: 'DAVE', all: true, dryRun: true });
      assert.equal(res.status, 404);
      assert.match(res.json().error.message, /Unable to identify project: ALPHA/);
      await makeProject(alice, 'SHOWN', { accessibility: 'protected' });
      const seen = await postTransfer(dave, { source: 'SHOWN', destination: 'DAVE', all: true });
      assert.equal(seen.status, 403, 'a protected project is visible but not readable');
      assert.match(seen.json().error.message, /You do not have read access in project SHOWN/);
    });

    it('validates requests and names the problem', async () => {
      const cases: [Record<string, unknown>, number, RegExp][] = [
        [{ source: 'ALPHA', destination: 'BETA', subject: ['S01'] }, 400, /Unknown field\(s\) 'subject'/],
        [{ source: 'ALPHA', destination: 'BETA', subjects: ['S01'], mode: 'move', scans: { MR1: '1' } }, 400, /'scans' and 'resources' apply to copies only/],
        [{ source: 'ALPHA', destination: 'BETA', subjects: ['NOPE'] }, 404, /No subject NOPE in project ALPHA/],
        [{ source: 'ALPHA', destination: 'BETA', subjects: ['S02'], experimentLabels: { MRX: 'Y' } }, 400, /name nothing being transferred: experimentLabels\.MRX/],
        [{ source: 'ALPHA', destination: 'ALPHA', all: true }, 400, /same project/],
        [{ source: 'ALPHA', destination: 'BETA', subjects: ['S02'], experimentLabels: { MR2: 'bad label' } }, 400, /Invalid character in experiment label/],
        [{ source: 'ALPHA', destination: 'BETA' }, 400, /Nothing to transfer/],
        [{ source: 'ALPHA', destination: 'BETA', mode: 'teleport', all: true }, 400, /'mode' must be copy or move/],
      ];
      for (const [body, status, message] of cases) {
        const res = await postTransfer(alice, body);
        assert.equal(res.status, status, `${JSON.stringify(body)}: ${res.text}`);
        assert.match(res.json().error.message, message);
      }
      assert.equal((await postTransfer(t.anonymous, { source: 'ALPHA', destination: 'BETA', all: true })).status, 401);
    });

    it('copies with a label map, merging the same study, and verifies the result', async () => {
      const id = await startTransfer(alice, { source: 'ALPHA', destination: 'BETA', subjects: ['S01', 'S02'], experimentLabels: { MR2: 'B_MR2' }, reason: 'pooling' });
      const done = await waitForTransfer(alice, id);
      assert.equal(done.state, 'succeeded', JSON.stringify(done.report, null, 1));
      const report = done.report;
      assert.equal(report.outcome, 'succeeded');
      assert.equal(report.verification.passed, true);
      assert.deepEqual(report.verification.found, report.verification.expected);
      assert.deepEqual(report.verification.expected, { subjects: 2, experiments: 3, scans: 3, resources: 6, files: 7, bytes: report.verification.expected.bytes });
      assert.equal(report.method, 'hardlink');
      assert.deepEqual(report.subjects.map((s: any) => [s.sourceLabel, s.status]), [['S01', 'merged'], ['S02', 'created']]);
      assert.deepEqual(report.experiments.map((e: any) => [e.sourceLabel, e.destLabel, e.status]), [['MR1', 'MR1', 'merged'], ['MR2', 'B_MR2', 'copied']]);
      assert.equal(done.progress.percent, 100);
      assert.match(report.message, /^Copied 2 of 2 experiment\(s\), 5 file\(s\), .* from ALPHA to BETA; verification passed$/);

      assert.deepEqual(labels((await bob.get('/data/projects/BETA/experiments?format=json')).rows()), ['B_MR2', 'MR1', 'MR2']);
      const scans = await bob.get('/data/projects/BETA/experiments/MR1/scans?format=json');
      assert.deepEqual(scans.rows().map((r) => r.ID), ['1', '2']);
      const files = await bob.get('/data/projects/BETA/experiments/MR1/scans/1/resources/DICOM/files?format=json');
      assert.deepEqual(files.rows().map((r) => r.Name), ['1.dcm', '2.dcm']);
      assert.equal(md5((await bob.get('/data/projects/BETA/experiments/MR1/scans/1/resources/DICOM/files/2.dcm')).body), md5(two));
      assert.equal(md5((await bob.get('/data/projects/BETA/experiments/B_MR2/scans/1/resources/DICOM/files/1.dcm')).body), md5(one));
      assert.equal((await bob.get('/data/projects/BETA/experiments/MR1/assessors/QC1/resources/QC/files/qc.json')).text, '{"pass":true}');
      const s02 = (await bob.get('/data/projects/BETA/subjects/S02?format=json')).json().items[0].data_fields;
      assert.equal(s02.project, 'BETA', 'a copy is owned by the destination');
      assert.equal((await bob.get('/data/projects/BETA/subjects/S01/resources/CONSENT/files/consent.pdf')).text, '%PDF');
      assert.deepEqual(labels((await alice.get('/data/projects/ALPHA/experiments?format=json')).rows()), ['MR1', 'MR2'], 'the source is untouched');

      const events = (await bob.get('/xapi/activity?project=BETA&limit=100')).json().events as any[];
      const summary = events.find((e) => e.entityType === 'transfer' && e.entityId === id);
      assert.equal(summary.action, 'copy');
      assert.equal(summary.actor, 'alice');
      assert.equal(summary.reason, 'pooling');
      assert.equal(summary.details.verification.passed, true);
      assert.deepEqual(summary.details.labels.experiments.map((e: any) => [e.before, e.after]), [['MR1', 'MR1'], ['MR2', 'B_MR2']]);
      assert.ok(events.some((e) => e.action === 'copy' && e.entityType === 'experiment' && e.label === 'B_MR2' && e.details.labelBefore === 'MR2'));
    });

    it('copies only the chosen scans and resources', async () => {
      const id = await startTransfer(alice, { source: 'ALPHA', destination: 'GAMMA', experiments: ['MR1'], scans: { MR1: 'T2' }, resources: ['DICOM'], includeAssessors: false });
      const done = await waitForTransfer(alice, id);
      assert.equal(done.state, 'succeeded', JSON.stringify(done.report));
      assert.deepEqual((await alice.get('/data/projects/GAMMA/experiments/MR1/scans?format=json')).rows().map((r) => r.ID), ['2']);
      assert.deepEqual((await alice.get('/data/projects/GAMMA/experiments/MR1/resources?format=json')).rows(), []);
      assert.deepEqual((await alice.get('/data/projects/GAMMA/experiments/MR1/assessors?format=json')).rows(), []);
      assert.deepEqual((await alice.get('/data/projects/GAMMA/subjects/S01/resources?format=json')).rows(), [], 'the subject came along only as the session\'s subject');
    });

    it('moves: copies, verifies, then deletes the source', async () => {
      await makeSubject(alice, 'ALPHA', 'S03');
      await makeSession(alice, 'ALPHA', 'S03', 'MR3', { UID: '1.2.840.3' });
      await makeScan(alice, 'ALPHA', 'S03', 'MR3', '1');
      await upload(alice, '/data/projects/ALPHA/subjects/S03/experiments/MR3/scans/1/resources/DICOM/files/1.dcm', one);
      const source = path.join(t.dataDir, 'archive/ALPHA/arc001/MR3/SCANS/1/DICOM/1.dcm');
      const inode = (await fs.stat(source)).ino;
      const id = await startTransfer(alice, { source: 'ALPHA', destination: 'GAMMA', subjects: ['S03'], mode: 'move' });
      const done = await waitForTransfer(alice, id);
      assert.equal(done.state, 'succeeded', JSON.stringify(done.report));
      assert.equal(done.report.sourceDeleted, true);
      assert.match(done.report.message, /^Moved .*; verification passed; the source was deleted$/);
      assert.equal((await alice.get('/data/projects/ALPHA/subjects/S03')).status, 404);
      assert.equal(md5((await alice.get('/data/projects/GAMMA/subjects/S03/experiments/MR3/scans/1/resources/DICOM/files/1.dcm')).body), md5(one));
      const moved = await fs.stat(path.join(t.dataDir, 'archive/GAMMA/arc001/MR3/SCANS/1/DICOM/1.dcm'));
      assert.equal(moved.ino, inode);
      assert.equal(moved.nlink, 1);
      const events = (await alice.get('/xapi/activity?project=ALPHA&limit=100')).json().events as any[];
      assert.ok(events.some((e) => e.action === 'move' && e.entityType === 'subject' && e.label === 'S03' && e.details.verification === 'passed'));
    });

    it('keeps the source of a move whose verification fails, with a clear report', async () => {
      await makeSubject(alice, 'ALPHA', 'S04');
      await makeSession(alice, 'ALPHA', 'S04', 'MR4');
      await upload(alice, '/data/projects/ALPHA/subjects/S04/experiments/MR4/resources/RAW/files/data.bin', 'original');
      await fs.writeFile(path.join(t.dataDir, 'archive/ALPHA/arc001/MR4/RESOURCES/RAW/data.bin'), 'ORIGINAL'); // silent corruption
      // With hard links, verifyContent reads every file back, which also finds a source that rotted on disk.
      const id = await startTransfer(alice, { source: 'ALPHA', destination: 'GAMMA', subjects: ['S04'], mode: 'move', verifyContent: true });
      const done = await waitForTransfer(alice, id);
      assert.equal(done.state, 'failed');
      const report = done.report;
      assert.equal(report.verification.passed, false);
      assert.equal(report.sourceDeleted, false);
      assert.equal(report.sourceKeptReason, 'The verification failed, so nothing was deleted from the source');
      assert.deepEqual(report.experiments.map((e: any) => [e.sourceLabel, e.status]), [['MR4', 'failed']]);
      assert.match(report.experiments[0].error, /1 file\(s\) do not match the source catalog \(for example GAMMA\/arc001\/MR4\/RESOURCES\/RAW\/data\.bin: md5/);
      assert.ok(report.verification.problems.some((p: any) => p.kind === 'missing-experiment' && p.item === 'experiment MR4'));
      assert.match(report.message, /verification FAILED .* the source was kept/);
      assert.equal((await alice.get('/data/projects/ALPHA/subjects/S04/experiments/MR4/resources/RAW/files/data.bin')).text, 'ORIGINAL');
      assert.equal((await alice.get('/data/projects/GAMMA/experiments/MR4')).status, 404);
      assert.equal(await fs.stat(path.join(t.dataDir, 'archive/GAMMA/arc001/MR4')).then(() => true, () => false), false, 'no half copy left behind');
    });

    it('refuses to move a subject that is already shared into the destination', async () => {
      await makeSubject(alice, 'ALPHA', 'S05');
      assert.equal((await alice.put('/data/projects/ALPHA/subjects/S05/projects/GAMMA')).status, 200);
      const res = await postTransfer(alice, { source: 'ALPHA', destination: 'GAMMA', subjects: ['S05'], mode: 'move', dryRun: true });
      const checklist = res.json().checklist;
      assert.equal(checklist.subjects[0].action, 'use-shared');
      assert.match(checklist.problems.map((p: any) => p.message).join('\n'), /already shared into GAMMA: a move would delete it there too/);
      assert.equal((await postTransfer(alice, { source: 'ALPHA', destination: 'GAMMA', subjects: ['S05'], mode: 'move' })).status, 409);
      const copy = await postTransfer(alice, { source: 'ALPHA', destination: 'GAMMA', subjects: ['S05'], dryRun: true });
      assert.equal(copy.json().checklist.ok, true, 'a copy may join the shared subject');
    });

    it('lists a user\'s transfers and hides them from others', async () => {
      const mine = (await alice.get('/xapi/transfers')).json().transfers as any[];
      assert.ok(mine.length >= 4);
      assert.ok(mine.every((x) => x.createdBy === 'alice' && x.checklist === undefined));
      assert.deepEqual((await bob.get('/xapi/transfers')).json().transfers, []);
      assert.equal((await bob.get(`/xapi/transfers/${mine[0].id}`)).status, 404);
      assert.equal((await t.admin.get(`/xapi/transfers/${mine[0].id}`)).status, 200);
      const failed = (await alice.get('/xapi/transfers?state=failed')).json().transfers as any[];
      assert.equal(failed.length, 1);
      const again = await alice.post(`/xapi/transfers/${mine[0].id}/cancel`);
      assert.equal(again.status, 409);
      assert.match(again.json().error.message, /has already (finished|been cancelled)/);
    });

    it('refuses more malformed requests and queries, naming the problem', async () => {
      const cases: [Record<string, unknown>, number, RegExp][] = [
        [{ source: 'ALPHA', destination: 'BETA', experiments: ['QC1'] }, 400, /QC1 is an assessor: assessors are transferred with their session/],
        [{ source: 'ALPHA', destination: 'BETA', subjects: ['S02'], mode: 'move', includeAssessors: false }, 400, /A move always brings the sessions' assessors along/],
        [{ source: 'ALPHA', destination: 'BETA', subjects: ['S02'], mode: 'move', resources: ['DICOM'] }, 400, /'scans' and 'resources' apply to copies only/],
        [{ source: 'ALPHA', destination: 'BETA', subjects: ['S02'], scans: { MRX: '1' }, subjectLabels: { SX: 'Y' } }, 400, /name nothing being transferred: subjectLabels\.SX, scans\.MRX/],
        [{ source: 'ALPHA', destination: 'BETA', subjects: ['S02'], subjectLabels: { S02: 'bad label' } }, 400, /Invalid character in subject label/],
      ];
      const before = (await alice.get('/xapi/transfers?limit=1000')).json().transfers.length;
      for (const [body, status, message] of cases) {
        const res = await postTransfer(alice, body);
        assert.equal(res.status, status, `${JSON.stringify(body)}: ${res.text}`);
        assert.match(res.json().error.message, message);
      }
      for (const [query, message] of [['state=paused', /Unknown state 'paused'/], ['limit=0', /Invalid limit '0': use 1 to 1000/], ['limit=many', /Invalid limit 'many'/]] as const) {
        const res = await alice.get(`/xapi/transfers?${query}`);
        assert.equal(res.status, 400, `${query}: ${res.text}`);
        assert.match(res.json().error.message, message);
      }
      const unknown = await alice.get('/xapi/transfers/no-such-transfer');
      assert.equal(unknown.status, 404);
      assert.match(unknown.json().error.message, /No transfer no-such-transfer/);
      const mine = (await alice.get('/xapi/transfers?limit=1000')).json().transfers as any[];
      assert.equal(mine.length, before, 'no refused request was stored');
      const othersCancel = await bob.post(`/xapi/transfers/${mine[0].id}/cancel`);
      assert.equal(othersCancel.status, 404, 'another user\'s transfer is invisible');
      const after = await getTransfer(alice, mine[0].id);
      assert.deepEqual([after.state, after.cancelRequested, after.updatedAt], [mine[0].state, mine[0].cancelRequested, mine[0].updatedAt], 'and stays as it was');
    });

    it('lists every problem of a request in a dry run and refuses to start it (409), storing nothing', async () => {
      await makeProject(alice, 'DELTA');
      const body = { source: 'ALPHA', destination: 'DELTA', subjects: ['S01', 'S02'], subjectLabels: { S02: 'S01' }, scans: { MR1: 'NOPE' }, experimentLabels: { QC1: 'MR2' } };
      const dry = await postTransfer(alice, { ...body, dryRun: true });
      assert.equal(dry.status, 200, dry.text);
      const problems = dry.json().checklist.problems as { kind: string; item: string; message: string }[];
      assert.deepEqual(problems.map((p) => [p.kind, p.item]), [['scan', 'experiment MR1'], ['label', 'subject S02'], ['label', 'experiment MR2']]);
      assert.match(problems[0]!.message, /No scan of MR1 matches 'NOPE'/);
      assert.match(problems[1]!.message, /S02 and S01 would both be labelled S01 in the destination/);
      assert.match(problems[2]!.message, /MR2 and QC1 would both be labelled MR2 in the destination/);
      const before = (await alice.get('/xapi/transfers?limit=1000')).json().transfers.length;
      const res = await postTransfer(alice, body);
      assert.equal(res.status, 409, res.text);
      assert.match(res.json().error.message, /^The transfer cannot start: No scan of MR1 matches 'NOPE' \(and 2 more problem\(s\), see details\.checklist\)$/);
      assert.equal(res.json().error.details.checklist.problems.length, 3);
      assert.equal((await alice.get('/xapi/transfers?limit=1000')).json().transfers.length, before);
      assert.deepEqual((await alice.get('/data/projects/DELTA/subjects?format=json')).rows(), []);
    });

    it('refuses to move what other projects own, and keeps the source', async () => {
      await makeSubject(alice, 'DELTA', 'DS');
      assert.equal((await alice.put('/data/projects/DELTA/subjects/DS/projects/ALPHA')).status, 200);
      assert.equal((await alice.put('/data/projects/ALPHA/subjects/S02/projects/DELTA')).status, 200);
      await makeSession(alice, 'DELTA', 'S02', 'DMR');
      const body = { source: 'ALPHA', destination: 'GAMMA', subjects: ['S02', 'DS'], mode: 'move' };
      const dry = await postTransfer(alice, { ...body, dryRun: true });
      assert.equal(dry.status, 200, dry.text);
      const { problems, warnings } = dry.json().checklist as { problems: { kind: string; message: string }[]; warnings: string[] };
      assert.deepEqual(problems.map((p) => p.kind), ['ownership', 'ownership']);
      assert.match(problems[0]!.message, /Subject S02 has experiments owned by project DELTA \(.+\); they would lose their subject/);
      assert.match(problems[1]!.message, /Subject DS is shared into ALPHA from another project: only its owner can move it/);
      assert.match(warnings.join('\n'), /Subject S02 is shared into DELTA; those shares end when the source is deleted/);
      const res = await postTransfer(alice, body);
      assert.equal(res.status, 409, res.text);
      assert.match(res.json().error.message, /The transfer cannot start: Subject S02 has experiments owned by project DELTA/);
      assert.deepEqual(labels((await alice.get('/data/projects/ALPHA/subjects?format=json')).rows()).filter((l) => l === 'S02' || l === 'DS'), ['DS', 'S02']);
      assert.equal((await alice.get('/data/projects/GAMMA/subjects/S02')).status, 404);
    });

    it('refuses new subjects in a destination that does not allow the user to create them', async () => {
      assert.equal((await bob.put('/data/projects/BETA/allow_subject_creation/false')).status, 200);
      try {
        const body = { source: 'ALPHA', destination: 'BETA', subjects: ['S04'] };
        const dry = await postTransfer(alice, { ...body, dryRun: true });
        const checklist = dry.json().checklist;
        assert.equal(checklist.access.destination.createSubjects, false);
        assert.deepEqual(checklist.problems.map((p: any) => [p.kind, p.item]), [['setting', 'subject S04']]);
        assert.match(checklist.problems[0].message, /Project BETA does not let you create subjects \(S04 would be new\)/);
        const res = await postTransfer(alice, body);
        assert.equal(res.status, 409, res.text);
        assert.equal((await bob.get('/data/projects/BETA/subjects/S04')).status, 404);
      } finally {
        assert.equal((await bob.put('/data/projects/BETA/allow_subject_creation/true')).status, 200);
      }
    });
  });

  describe(`long transfers: progress, cancel, restart (${dialect})`, () => {
    let t: TestApp;
    let alice: ApiClient;
    const chunk = Buffer.alloc(64 * 1024, 7);

    before(async () => {
      // Byte copies under a small disk budget last long enough to be caught in the middle.
      t = await buildTestApp(dialect, { 'transfers.hardLinks': false, 'transfers.maxBytesPerSecond': 256 * 1024, 'jobs.leaseSeconds': 2 });
      alice = await t.user('alice');
      await makeProject(alice, 'SRC');
      await makeProject(alice, 'DST');
      for (const s of ['A', 'B', 'C', 'D']) {
        await makeSubject(alice, 'SRC', `S${s}`);
        await makeSession(alice, 'SRC', `S${s}`, `MR${s}`);
        for (let i = 0; i < 4; i++) assert.equal((await alice.upload(`/data/projects/SRC/experiments/MR${s}/resources/RAW/files/${i}.bin`, chunk)).status, 200);
      }
    });
    after(() => t.close());

    it('shows progress and stops on cancel, keeping what it copied and the source of a move', async () => {
      const id = await startTransfer(alice, { source: 'SRC', destination: 'DST', all: true, mode: 'move' });
      const running = await waitForTransfer(alice, id, ['running']);
      assert.equal(running.phase, 'copying');
      await waitFor(async () => (await getTransfer(alice, id)).progress.bytesVerified > 0, 'some progress');
      const res = await alice.post(`/xapi/transfers/${id}/cancel`);
      assert.equal(res.status, 200, res.text);
      const done = await waitForTransfer(alice, id);
      assert.equal(done.state, 'cancelled');
      assert.equal(done.report.outcome, 'cancelled');
      assert.equal(done.report.sourceDeleted, false);
      assert.match(done.report.message, /^Cancelled after copying .* the source is untouched$/);
      assert.ok(done.report.experiments.some((e: any) => e.status === 'not-done'), 'it stopped before the end');
      assert.deepEqual(labels((await alice.get('/data/projects/SRC/experiments?format=json')).rows()), ['MRA', 'MRB', 'MRC', 'MRD']);
      const copied = done.report.experiments.filter((e: any) => e.status === 'copied').map((e: any) => e.destLabel);
      assert.deepEqual(labels((await alice.get('/data/projects/DST/experiments?format=json')).rows()), copied.sort());
      for (const label of copied) await alice.delete(`/data/projects/DST/experiments/${label}?removeFiles=true`);
      for (const s of ['SA', 'SB', 'SC', 'SD']) await alice.delete(`/data/projects/DST/subjects/${s}?removeFiles=true`);
    });

    it('resumes an interrupted transfer after a restart and verifies it', async () => {
      const id = await startTransfer(alice, { source: 'SRC', destination: 'DST', all: true });
      await waitFor(async () => (await getTransfer(alice, id)).progress.experimentsDone >= 1, 'the first session to be copied');
      t = await t.restart();
      alice = t.client('alice');
      const interrupted = await getTransfer(alice, id);
      assert.ok(['queued', 'running'].includes(interrupted.state), interrupted.state);
      assert.equal(interrupted.report, null);
      const done = await waitForTransfer(alice, id);
      assert.equal(done.state, 'succeeded', JSON.stringify(done.report));
      assert.equal(done.report.verification.passed, true);
      assert.deepEqual(done.report.verification.found, { subjects: 4, experiments: 4, scans: 0, resources: 4, files: 16, bytes: 16 * chunk.length });
      assert.deepEqual(labels((await alice.get('/data/projects/DST/experiments?format=json')).rows()), ['MRA', 'MRB', 'MRC', 'MRD'], 'each session exactly once');
      for (const s of ['A', 'B', 'C', 'D']) {
        const files = await alice.get(`/data/projects/DST/experiments/MR${s}/resources/RAW/files?format=json`);
        assert.equal(files.rows().length, 4);
      }
      const events = (await alice.get('/xapi/activity?project=DST&limit=200')).json().events as any[];
      const copies = events.filter((e) => e.action === 'copy' && e.entityType === 'experiment' && e.details.transfer === id);
      assert.deepEqual(copies.map((e) => e.label).sort(), ['MRA', 'MRB', 'MRC', 'MRD'], 'no session was copied twice');
      assert.equal(done.report.method, 'copy');
      const copy = await fs.stat(path.join(t.dataDir, 'archive/DST/arc001/MRA/RESOURCES/RAW/0.bin'));
      assert.equal(copy.nlink, 1, 'a byte copy, not a link');
    });

    it('fails a byte copy whose bytes do not hash to the source catalog', async () => {
      await makeSubject(alice, 'SRC', 'SE');
      await makeSession(alice, 'SRC', 'SE', 'MRE');
      assert.equal((await alice.upload('/data/projects/SRC/experiments/MRE/resources/RAW/files/x.bin', 'abcdef')).status, 200);
      await fs.writeFile(path.join(t.dataDir, 'archive/SRC/arc001/MRE/RESOURCES/RAW/x.bin'), 'abcdeF');
      const id = await startTransfer(alice, { source: 'SRC', destination: 'DST', experiments: ['MRE'] });
      const done = await waitForTransfer(alice, id);
      assert.equal(done.state, 'failed');
      assert.match(done.report.experiments[0].error, /do not match the source catalog .*x\.bin: md5/);
      assert.equal((await alice.get('/data/projects/DST/experiments/MRE')).status, 404);
    });
  });
}

async function waitFor(check: () => Promise<boolean>, what: string): Promise<void> {
  const { waitFor: wait } = await import('../support/wait-for.js');
  await wait(async () => (await check()) || undefined, { what, timeoutMs: 30_000 });
}
