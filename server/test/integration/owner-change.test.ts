import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ApiClient } from '../support/api-client.js';
import { addMember, makeProject, makeScan, makeSession, makeSubject } from '../support/builders.js';
import { testDialects } from '../support/dialects.js';
import { buildTestApp, type TestApp } from '../support/test-app.js';

const md5 = (b: Buffer | string) => crypto.createHash('md5').update(b).digest('hex');
const exists = (p: string) => fs.stat(p).then(() => true, () => false);

for (const dialect of testDialects()) {
  describe(`change of owner, primary=true (${dialect})`, () => {
    let t: TestApp;
    let alice: ApiClient; // owner of ALPHA and BETA
    let bob: ApiClient; // owner of BETA only
    let subjectId: string;
    let sessionId: string;
    const dicom = Buffer.from('DICM'.repeat(4096));
    const archive = () => path.join(t.dataDir, 'archive');

    before(async () => {
      t = await buildTestApp(dialect);
      alice = await t.user('alice');
      bob = await t.user('bob');
      await makeProject(alice, 'ALPHA');
      await makeProject(bob, 'BETA');
      await addMember(bob, 'BETA', 'owner', 'alice');
      await makeSubject(bob, 'BETA', 'TAKEN');
      subjectId = await makeSubject(alice, 'ALPHA', 'S01');
      sessionId = await makeSession(alice, 'ALPHA', 'S01', 'MR1');
      await makeScan(alice, 'ALPHA', 'S01', 'MR1', '1');
      for (const [url, body] of [
        ['/data/projects/ALPHA/subjects/S01/experiments/MR1/scans/1/resources/DICOM/files/a/1.dcm', dicom],
        ['/data/projects/ALPHA/subjects/S01/experiments/MR1/scans/1/resources/DICOM/files/a/2.dcm', Buffer.from('second')],
        ['/data/projects/ALPHA/subjects/S01/experiments/MR1/resources/NOTES/files/n.txt', Buffer.from('notes')],
        ['/data/projects/ALPHA/subjects/S01/resources/CONSENT/files/c.pdf', Buffer.from('%PDF')],
      ] as const) {
        const res = await alice.upload(url, body);
        assert.equal(res.status, 200, res.text);
      }
      const qc = await alice.put('/data/projects/ALPHA/experiments/MR1/assessors/QC1', { query: { xsiType: 'xnat:qcManualAssessorData' } });
      assert.equal(qc.status, 201);
      assert.equal((await alice.upload('/data/projects/ALPHA/experiments/MR1/assessors/QC1/resources/QC/files/qc.json', '{}')).status, 200);
    });
    after(() => t.close());

    it('needs owner rights in both projects (403)', async () => {
      const res = await bob.put(`/data/projects/BETA/subjects/TAKEN/projects/ALPHA`, { query: { primary: 'true' } });
      assert.equal(res.status, 404, 'bob cannot see ALPHA');
      await addMember(alice, 'ALPHA', 'member', 'bob');
      const member = await bob.put(`/data/projects/ALPHA/subjects/S01/projects/BETA`, { query: { primary: 'true' } });
      assert.equal(member.status, 403, member.text);
      assert.match(member.text, /needs owner rights in both projects \(ALPHA and BETA\)/);
    });

    it('refuses a label already used in the destination, and an experiment whose subject is not there (409)', async () => {
      const taken = await alice.put(`/data/projects/ALPHA/subjects/S01/projects/BETA`, { query: { primary: 'true', label: 'TAKEN' } });
      assert.equal(taken.status, 409);
      assert.match(taken.text, /Label already in use: TAKEN in project BETA/);
      const orphan = await alice.put(`/data/projects/ALPHA/experiments/MR1/projects/BETA`, { query: { primary: 'true' } });
      assert.equal(orphan.status, 409);
      assert.match(orphan.text, /subject of Experiment MR1 is not in project BETA: share or move the subject first/);
      const own = await alice.put(`/data/projects/ALPHA/subjects/S01/projects/ALPHA`, { query: { primary: 'true' } });
      assert.equal(own.status, 409);
    });

    it('refuses, changing nothing, when a file is missing from the disk', async () => {
      const file = path.join(archive(), 'ALPHA/arc001/MR1/RESOURCES/NOTES/n.txt');
      await fs.rename(file, `${file}.away`);
      const res = await alice.put(`/data/projects/ALPHA/subjects/S01/projects/BETA`, { query: { primary: 'true', label: 'B01' } });
      assert.equal(res.status, 409, res.text);
      assert.match(res.text, /1 file\(s\) do not match their catalog \(for example ALPHA\/arc001\/MR1\/RESOURCES\/NOTES\/n\.txt: missing.*nothing was changed/);
      assert.equal((await alice.get(`/data/subjects/${subjectId}?format=json`)).json().items[0].data_fields.project, 'ALPHA');
      assert.equal(await exists(path.join(archive(), 'BETA/subjects')), false, 'the new names were removed');
      assert.equal(await exists(path.join(archive(), 'BETA/arc001')), false);
      await fs.rename(`${file}.away`, file);
    });

    it('moves a subject with its experiments, assessors and files into the new owner, without copying bytes', async () => {
      const oldDicom = path.join(archive(), 'ALPHA/arc001/MR1/SCANS/1/DICOM/a/1.dcm');
      const inode = (await fs.stat(oldDicom)).ino;
      const res = await alice.put(`/data/projects/ALPHA/subjects/S01/projects/BETA`, { query: { primary: 'true', label: 'B01' } });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.text, subjectId);
      const subject = (await alice.get(`/data/subjects/${subjectId}?format=json`)).json().items[0].data_fields;
      assert.deepEqual([subject.project, subject.label], ['BETA', 'B01']);
      assert.deepEqual((await alice.get('/data/projects/ALPHA/subjects?format=json')).rows(), [], 'the old owner no longer has it');
      assert.deepEqual((await bob.get('/data/projects/BETA/subjects?format=json')).rows().map((r) => r.label).sort(), ['B01', 'TAKEN']);
      const experiments = await bob.get('/data/projects/BETA/subjects/B01/experiments?format=json&columns=ID,label,project');
      assert.deepEqual(experiments.rows().map((r) => [r.ID, r.label, r.project]), [[sessionId, 'MR1', 'BETA']]);
      assert.equal((await bob.get('/data/projects/BETA/experiments/MR1/assessors?format=json')).rows()[0]?.project, 'BETA');
      // Files are served from the new owner's tree, byte for byte.
      const got = await bob.get('/data/projects/BETA/subjects/B01/experiments/MR1/scans/1/resources/DICOM/files/a/1.dcm');
      assert.equal(got.status, 200);
      assert.equal(md5(got.body), md5(dicom));
      assert.equal((await bob.get('/data/projects/BETA/subjects/B01/resources/CONSENT/files/c.pdf')).text, '%PDF');
      assert.equal((await bob.get('/data/projects/BETA/experiments/MR1/assessors/QC1/resources/QC/files/qc.json')).text, '{}');
      const newDicom = path.join(archive(), 'BETA/arc001/MR1/SCANS/1/DICOM/a/1.dcm');
      const moved = await fs.stat(newDicom);
      assert.equal(moved.ino, inode, 'the same inode: the bytes were not copied');
      assert.equal(moved.nlink, 1, 'and the old name is gone');
      assert.equal(await exists(path.join(archive(), 'ALPHA/arc001/MR1')), false);
      assert.equal(await exists(path.join(archive(), 'BETA/subjects/B01/resources/CONSENT/CONSENT_catalog.xml')), true);
      const listing = await bob.get('/data/projects/BETA/subjects/B01/experiments/MR1/scans/1/resources/DICOM/files?format=json');
      assert.deepEqual(listing.rows().map((r) => [r.Name, r.Size]), [['1.dcm', String(dicom.length)], ['2.dcm', '6']]);
    });

    it('moves one session into a project its subject is shared into; the subject stays', async () => {
      const s2 = await makeSubject(alice, 'ALPHA', 'S02');
      const e2 = await makeSession(alice, 'ALPHA', 'S02', 'MR9');
      assert.equal((await alice.upload('/data/projects/ALPHA/experiments/MR9/resources/R/files/x.txt', 'x')).status, 200);
      assert.equal((await alice.put('/data/projects/ALPHA/subjects/S02/projects/BETA', { query: { label: 'B02' } })).status, 200);
      const res = await alice.put(`/data/experiments/${e2}/projects/BETA`, { query: { primary: 'true', label: 'B_MR9' } });
      assert.equal(res.status, 200, res.text);
      const doc = (await bob.get(`/data/experiments/${e2}?format=json`)).json().items[0].data_fields;
      assert.deepEqual([doc.project, doc.label, doc.subject_ID], ['BETA', 'B_MR9', s2]);
      assert.equal((await alice.get(`/data/subjects/${s2}?format=json`)).json().items[0].data_fields.project, 'ALPHA');
      assert.equal((await bob.get('/data/projects/BETA/subjects/B02/experiments/B_MR9/resources/R/files/x.txt')).text, 'x');
      assert.equal((await alice.get('/data/projects/ALPHA/experiments?format=json')).rows().length, 0);
    });

    it('records the change of owner with labels before and after and the verification', async () => {
      const events = (await alice.get('/xapi/activity?project=BETA&limit=50')).json().events as { action: string; entityId: string; details: Record<string, any> }[];
      const change = events.find((e) => e.action === 'change-owner' && e.entityId === subjectId);
      assert.ok(change);
      assert.equal(change.details.labelBefore, 'S01');
      assert.equal(change.details.labelAfter, 'B01');
      assert.equal(change.details.verification.passed, true);
      assert.equal(change.details.verification.files, 5);
      assert.deepEqual(change.details.moved.map((m: { labelAfter: string }) => m.labelAfter), ['B01', 'MR1', 'QC1']);
    });

    it('refuses a bad label, a scan, and an assessor whose session is not in the destination, changing nothing', async () => {
      const s3 = await makeSubject(alice, 'ALPHA', 'S03');
      await makeSession(alice, 'ALPHA', 'S03', 'MR3');
      await makeScan(alice, 'ALPHA', 'S03', 'MR3', '1');
      assert.equal((await alice.put('/data/projects/ALPHA/experiments/MR3/assessors/QC3', { query: { xsiType: 'xnat:qcManualAssessorData' } })).status, 201);
      const cases: [string, Record<string, string>, number, RegExp][] = [
        ['/data/projects/ALPHA/subjects/S03/projects/BETA', { label: 'bad label' }, 400, /Invalid character in subject label/],
        ['/data/projects/ALPHA/experiments/MR3/scans/1/projects/BETA', {}, 409, /Scans are moved with their session/],
        ['/data/projects/ALPHA/experiments/MR3/assessors/QC3/projects/BETA', {}, 409, /Assessor QC3 assesses a session that is not in project BETA: share or move the session first/],
      ];
      for (const [url, query, status, message] of cases) {
        const res = await alice.put(url, { query: { primary: 'true', ...query } });
        assert.equal(res.status, status, `${url}: ${res.text}`);
        assert.match(res.text, message);
      }
      assert.equal((await alice.get(`/data/subjects/${s3}?format=json`)).json().items[0].data_fields.project, 'ALPHA');
      assert.equal((await alice.get('/data/projects/ALPHA/experiments/MR3/assessors/QC3?format=json')).json().items[0].data_fields.project, 'ALPHA');
    });

    it('refuses a subject its owner holds another project\'s experiments of, and two items that would share a label (409)', async () => {
      assert.equal((await alice.put('/data/projects/ALPHA/subjects/S03/projects/BETA', { query: { label: 'B03' } })).status, 200);
      await makeSession(bob, 'BETA', 'B03', 'BMR');
      assert.equal((await alice.put('/data/projects/BETA/experiments/BMR/projects/ALPHA')).status, 200);
      const foreign = await alice.put('/data/projects/ALPHA/subjects/S03/projects/BETA', { query: { primary: 'true' } });
      assert.equal(foreign.status, 409, foreign.text);
      assert.match(foreign.text, /Project ALPHA holds experiments of Subject S03 shared from other projects \(BMR\): unshare them from ALPHA first/);

      await makeSubject(alice, 'ALPHA', 'S04');
      const mr4 = await makeSession(alice, 'ALPHA', 'S04', 'MR4');
      await makeSession(alice, 'ALPHA', 'S04', 'MR4b');
      assert.equal((await alice.put('/data/projects/ALPHA/subjects/S04/projects/BETA')).status, 200);
      assert.equal((await alice.put('/data/projects/ALPHA/experiments/MR4/projects/BETA', { query: { label: 'MR4b' } })).status, 200);
      const twice = await alice.put('/data/projects/ALPHA/subjects/S04/projects/BETA', { query: { primary: 'true' } });
      assert.equal(twice.status, 409, twice.text);
      assert.match(twice.text, /Two items would be labelled MR4b in project BETA; give MR4b another label first/);
      assert.equal((await alice.get(`/data/experiments/${mr4}?format=json`)).json().items[0].data_fields.project, 'ALPHA');
      assert.deepEqual((await alice.get('/data/projects/ALPHA/subjects?format=json')).rows().map((r) => r.label).sort(), ['S02', 'S03', 'S04']);
    });
  });
}

for (const dialect of testDialects()) {
  describe(`change of owner with byte copies (${dialect})`, () => {
    let t: TestApp;
    let alice: ApiClient;

    before(async () => {
      t = await buildTestApp(dialect, { 'transfers.hardLinks': false });
      alice = await t.user('alice');
      await makeProject(alice, 'ALPHA');
      await makeProject(alice, 'BETA');
      await makeSubject(alice, 'ALPHA', 'S01');
      await makeSession(alice, 'ALPHA', 'S01', 'MR1');
      assert.equal((await alice.upload('/data/projects/ALPHA/experiments/MR1/resources/RAW/files/data.bin', 'original')).status, 200);
    });
    after(() => t.close());

    it('refuses when a copy does not hash to the catalog MD5, changing nothing', async () => {
      const file = path.join(t.dataDir, 'archive/ALPHA/arc001/MR1/RESOURCES/RAW/data.bin');
      await fs.writeFile(file, 'ORIGINAL'); // same size, other bytes: the disk no longer matches the catalog
      const res = await alice.put('/data/projects/ALPHA/subjects/S01/projects/BETA', { query: { primary: 'true' } });
      assert.equal(res.status, 409, res.text);
      assert.match(res.text, /do not match their catalog \(for example BETA\/arc001\/MR1\/RESOURCES\/RAW\/data\.bin: md5.*nothing was changed/);
      assert.equal((await alice.get('/data/projects/ALPHA/subjects/S01/experiments/MR1/resources/RAW/files/data.bin')).text, 'ORIGINAL');
      assert.equal(await exists(path.join(t.dataDir, 'archive/BETA')), false);
      await fs.writeFile(file, 'original');
    });

    it('copies the bytes, checks them, and removes the old files', async () => {
      const res = await alice.put('/data/projects/ALPHA/subjects/S01/projects/BETA', { query: { primary: 'true' } });
      assert.equal(res.status, 200, res.text);
      assert.equal((await alice.get('/data/projects/BETA/subjects/S01/experiments/MR1/resources/RAW/files/data.bin')).text, 'original');
      assert.equal(await exists(path.join(t.dataDir, 'archive/ALPHA/arc001/MR1')), false);
      assert.equal((await fs.stat(path.join(t.dataDir, 'archive/BETA/arc001/MR1/RESOURCES/RAW/data.bin'))).nlink, 1);
    });
  });
}
