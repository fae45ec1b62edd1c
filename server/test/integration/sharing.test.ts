import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ApiClient } from '../support/api-client.js';
import { addMember, makeProject, makeScan, makeSession, makeSubject } from '../support/builders.js';
import { testDialects } from '../support/dialects.js';
import { buildTestApp, type TestApp } from '../support/test-app.js';

const labels = (res: { rows(): Record<string, string>[] }) => res.rows().map((r) => r.label).sort();

for (const dialect of testDialects()) {
  describe(`sharing between projects (${dialect})`, () => {
    let t: TestApp;
    let alice: ApiClient; // owner of ALPHA
    let bob: ApiClient; // owner of BETA
    let mary: ApiClient; // member of BETA, member of ALPHA
    let carl: ApiClient; // collaborator of ALPHA, owner of GAMMA
    let eve: ApiClient; // no role anywhere
    let subjectId: string;
    let sessionId: string;

    before(async () => {
      t = await buildTestApp(dialect);
      alice = await t.user('alice');
      bob = await t.user('bob');
      mary = await t.user('mary');
      carl = await t.user('carl');
      eve = await t.user('eve');
      await makeProject(alice, 'ALPHA');
      await makeProject(bob, 'BETA');
      await makeProject(carl, 'GAMMA');
      await makeProject(alice, 'OPEN', { accessibility: 'protected' });
      await addMember(alice, 'ALPHA', 'member', 'mary');
      await addMember(alice, 'ALPHA', 'collaborator', 'carl');
      await addMember(bob, 'BETA', 'member', 'mary');
      subjectId = await makeSubject(alice, 'ALPHA', 'S01', { gender: 'female' });
      sessionId = await makeSession(alice, 'ALPHA', 'S01', 'MR1', { UID: '1.2.3.4' });
      await makeScan(alice, 'ALPHA', 'S01', 'MR1', '1', { type: 'T1' });
      await makeScan(alice, 'ALPHA', 'S01', 'MR1', '2', { type: 'T2' });
      await makeSession(alice, 'ALPHA', 'S01', 'MR2');
      await makeSubject(bob, 'BETA', 'TAKEN');
      await makeSubject(alice, 'OPEN', 'P01');
    });
    after(() => t.close());

    it('refuses an experiment whose subject is not in the destination yet (409)', async () => {
      const res = await bob.put(`/data/projects/ALPHA/subjects/S01/experiments/MR1/projects/BETA`, { query: { label: 'B_MR1' } });
      // bob cannot read ALPHA at all: the private project is invisible to him.
      assert.equal(res.status, 404);
      const byAlice = await alice.put(`/data/projects/ALPHA/subjects/S01/experiments/MR1/projects/GAMMA`);
      assert.equal(byAlice.status, 404, 'alice cannot see GAMMA');
      const byCarl = await carl.put(`/data/projects/ALPHA/subjects/S01/experiments/MR1/projects/GAMMA`, { query: { label: 'G_MR1' } });
      assert.equal(byCarl.status, 409, byCarl.text);
      assert.match(byCarl.text, /subject of Experiment MR1 is not in project GAMMA: share the subject first/);
      assert.equal((await carl.get('/data/projects/GAMMA/experiments?format=json')).rows().length, 0);
    });

    it('lets a collaborator of the source share into a project they own, under a new label', async () => {
      const res = await carl.put(`/data/projects/ALPHA/subjects/S01/projects/GAMMA`, { query: { label: 'G01' } });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.text, subjectId);
      const listing = await carl.get('/data/projects/GAMMA/subjects?format=json&columns=ID,label,project,shared');
      assert.deepEqual(listing.rows().map((r) => [r.ID, r.label, r.project, r.shared]), [[subjectId, 'G01', 'ALPHA', '1']]);
      const exp = await carl.put(`/data/projects/ALPHA/subjects/S01/experiments/MR1/projects/GAMMA`, { query: { label: 'G_MR1' } });
      assert.equal(exp.status, 200, exp.text);
      const experiments = await carl.get('/data/projects/GAMMA/subjects/G01/experiments?format=json&columns=ID,label,project,subject_label');
      assert.deepEqual(experiments.rows().map((r) => [r.ID, r.label, r.project, r.subject_label]), [[sessionId, 'G_MR1', 'GAMMA', 'G01']]);
      // Scans come with their session.
      const scans = await carl.get('/data/projects/GAMMA/subjects/G01/experiments/G_MR1/scans?format=json');
      assert.deepEqual(scans.rows().map((r) => r.ID), ['1', '2']);
    });

    it('lists the owner and every project a subject or experiment is shared into', async () => {
      const subject = await alice.get(`/data/projects/ALPHA/subjects/S01/projects?format=json`);
      assert.deepEqual(subject.rows().map((r) => [r.ID, r.label]), [['ALPHA', 'S01'], ['GAMMA', 'G01']]);
      const experiment = await carl.get(`/data/projects/GAMMA/experiments/G_MR1/projects?format=json`);
      assert.deepEqual(experiment.rows().map((r) => [r.ID, r.label]), [['ALPHA', 'MR1'], ['GAMMA', 'G_MR1']]);
    });

    it('refuses a user without read access in the source', async () => {
      const res = await eve.put(`/data/projects/ALPHA/subjects/S01/projects/BETA`);
      assert.equal(res.status, 404, 'a private source is invisible');
      const prot = await bob.put(`/data/projects/OPEN/subjects/P01/projects/BETA`);
      assert.equal(prot.status, 403, prot.text);
      assert.match(prot.text, /read access in project OPEN/);
      assert.deepEqual(labels(await bob.get('/data/projects/BETA/subjects?format=json')), ['TAKEN']);
    });

    it('refuses a destination the user does not own, even as a member (the issue rule)', async () => {
      const res = await mary.put(`/data/projects/ALPHA/subjects/S01/projects/BETA`, { query: { label: 'B01' } });
      assert.equal(res.status, 403, res.text);
      assert.match(res.text, /Only owners of project BETA may share data into it/);
      assert.deepEqual(labels(await bob.get('/data/projects/BETA/subjects?format=json')), ['TAKEN']);
    });

    it('refuses sharing into the owning project and a label already used in the destination (409)', async () => {
      const own = await alice.put(`/data/projects/ALPHA/subjects/S01/projects/ALPHA`);
      assert.equal(own.status, 409);
      assert.match(own.text, /Already assigned to project: ALPHA/);
      await addMember(bob, 'BETA', 'owner', 'alice');
      const taken = await alice.put(`/data/projects/ALPHA/subjects/S01/projects/BETA`, { query: { label: 'TAKEN' } });
      assert.equal(taken.status, 409, taken.text);
      assert.match(taken.text, /Label already in use: TAKEN in project BETA/);
      assert.deepEqual(labels(await bob.get('/data/projects/BETA/subjects?format=json')), ['TAKEN']);
    });

    it('refuses a second share under the same label, and relabels with another one', async () => {
      const again = await carl.put(`/data/projects/ALPHA/subjects/S01/projects/GAMMA`, { query: { label: 'G01' } });
      assert.equal(again.status, 409);
      assert.match(again.text, /Already assigned to project: GAMMA/);
      const relabel = await carl.put(`/data/projects/ALPHA/subjects/S01/projects/GAMMA`, { query: { label: 'G01b' } });
      assert.equal(relabel.status, 200, relabel.text);
      assert.deepEqual(labels(await carl.get('/data/projects/GAMMA/subjects?format=json')), ['G01b']);
      assert.equal((await carl.get('/data/projects/GAMMA/subjects/G01b/experiments/G_MR1?format=json')).status, 200);
    });

    it('keeps shared data read-only in the destination (403), and new data there belongs to the destination', async () => {
      const field = await carl.put('/data/projects/GAMMA/subjects/G01b', { query: { gender: 'male' } });
      assert.equal(field.status, 403, field.text);
      assert.match(field.text, /shared into project GAMMA from project ALPHA and cannot be changed here/);
      const exp = await carl.put('/data/projects/GAMMA/experiments/G_MR1', { query: { note: 'changed' } });
      assert.equal(exp.status, 403, exp.text);
      const upload = await carl.upload('/data/projects/GAMMA/experiments/G_MR1/scans/1/resources/DICOM/files/x.dcm', 'data');
      assert.equal(upload.status, 403, upload.text);
      const scan = await carl.delete('/data/projects/GAMMA/experiments/G_MR1/scans/1');
      assert.equal(scan.status, 403, scan.text);
      const subject = (await alice.get('/data/projects/ALPHA/subjects?format=json&columns=label,gender')).rows();
      assert.deepEqual(subject.map((r) => [r.label, r.gender]), [['S01', 'female']], 'the owner\'s data is unchanged');

      const created = await carl.put('/data/projects/GAMMA/subjects/G01b/experiments/G_NEW', { query: { xsiType: 'xnat:mrSessionData' } });
      assert.equal(created.status, 201, created.text);
      const doc = (await carl.get(`/data/experiments/${created.text}?format=json`)).json();
      assert.equal(doc.items[0].data_fields.project, 'GAMMA');
      assert.equal(doc.items[0].data_fields.subject_ID, subjectId);
      assert.equal((await alice.get(`/data/subjects/${subjectId}?format=json`)).json().items[0].data_fields.project, 'ALPHA');
    });

    it('refuses to unshare a subject under which the destination owns experiments, then unshares', async () => {
      const blocked = await carl.delete(`/data/projects/ALPHA/subjects/S01/projects/GAMMA`);
      assert.equal(blocked.status, 409, blocked.text);
      assert.match(blocked.text, /Project GAMMA owns experiments of Subject S01 \(G_NEW\)/);
      assert.equal((await carl.delete('/data/projects/GAMMA/experiments/G_NEW')).status, 200);
      const byMember = await mary.delete(`/data/projects/ALPHA/subjects/S01/projects/GAMMA`);
      assert.equal(byMember.status, 404, 'mary cannot see GAMMA');
      const done = await carl.delete(`/data/projects/ALPHA/subjects/S01/projects/GAMMA`);
      assert.equal(done.status, 200, done.text);
      assert.deepEqual(labels(await carl.get('/data/projects/GAMMA/subjects?format=json')), []);
      assert.deepEqual(labels(await carl.get('/data/projects/GAMMA/experiments?format=json')), [], 'its experiments were unshared with it');
      assert.equal((await alice.get('/data/projects/ALPHA/subjects/S01?format=json')).status, 200, 'the source keeps it');
      const again = await carl.delete(`/data/projects/ALPHA/subjects/S01/projects/GAMMA`);
      assert.equal(again.status, 404);
      assert.match(again.text, /is not shared into project GAMMA/);
    });

    it('lets a member share out what they can read, and the source owner withdraw it', async () => {
      await addMember(bob, 'BETA', 'owner', 'mary');
      assert.equal((await mary.put(`/data/projects/ALPHA/subjects/S01/projects/BETA`, { query: { label: 'B01' } })).status, 200);
      assert.equal((await mary.put(`/data/projects/ALPHA/experiments/MR1/projects/BETA`, { query: { label: 'B_MR1' } })).status, 200);
      assert.equal((await mary.put(`/data/experiments/${sessionId}/scans/1/projects/BETA`)).status, 200, 'a scan of a shared session is there already');
      const scanOnly = await mary.put(`/data/projects/ALPHA/experiments/MR2/scans/1/projects/BETA`);
      assert.equal(scanOnly.status, 409);
      assert.match(scanOnly.text, /Scans are shared with their session/);
      assert.equal((await mary.delete(`/data/experiments/${sessionId}/scans/1/projects/BETA`)).status, 409);
      await addMember(bob, 'BETA', 'member', 'mary');
      const notOwner = await mary.delete(`/data/projects/ALPHA/subjects/S01/projects/BETA`);
      assert.equal(notOwner.status, 403, notOwner.text);
      assert.match(notOwner.text, /Only owners of project BETA \(or of the owning project ALPHA\) may unshare/);
      const byOwner = await alice.delete(`/data/projects/ALPHA/experiments/MR1/projects/BETA`);
      assert.equal(byOwner.status, 200, byOwner.text);
      assert.deepEqual(labels(await bob.get('/data/projects/BETA/experiments?format=json')), []);
      assert.deepEqual(labels(await bob.get('/data/projects/BETA/subjects?format=json')), ['B01', 'TAKEN']);
    });

    it('shares an assessor only where its session is, and unsharing the session takes its assessors along', async () => {
      const qc = await alice.put(`/data/projects/ALPHA/experiments/MR1/assessors/QC1`, { query: { xsiType: 'xnat:qcManualAssessorData' } });
      assert.equal(qc.status, 201, qc.text);
      const early = await bob.put(`/data/projects/BETA/subjects/B01/projects/BETA`);
      assert.equal(early.status, 409, 'BETA only has the subject as a share; sharing into itself is refused');
      const assessorFirst = await alice.put(`/data/projects/ALPHA/experiments/MR1/assessors/QC1/projects/BETA`);
      assert.equal(assessorFirst.status, 409, assessorFirst.text);
      assert.match(assessorFirst.text, /assesses a session that is not in project BETA/);
      assert.equal((await alice.put(`/data/projects/ALPHA/experiments/MR1/projects/BETA`, { query: { label: 'B_MR1' } })).status, 200);
      assert.equal((await alice.put(`/data/projects/ALPHA/experiments/MR1/assessors/QC1/projects/BETA`, { query: { label: 'B_QC1' } })).status, 200);
      const assessors = await bob.get('/data/projects/BETA/experiments/B_MR1/assessors?format=json');
      assert.deepEqual(assessors.rows().map((r) => r.label), ['B_QC1']);
      // DELETE through the destination unshares (core behaviour), assessors included.
      assert.equal((await bob.delete('/data/projects/BETA/experiments/B_MR1')).status, 200);
      assert.equal((await bob.get('/data/projects/BETA/experiments?format=json')).rows().length, 0);
      assert.equal((await alice.get('/data/projects/ALPHA/experiments/MR1/assessors?format=json')).rows().length, 1, 'the owner keeps the assessor');
      const qcPlaces = await alice.get('/data/projects/ALPHA/experiments/MR1/assessors/QC1/projects?format=json');
      assert.deepEqual(qcPlaces.rows().map((r) => r.ID), ['ALPHA'], 'no share of the assessor is left behind in BETA');
    });

    it('shares a subject with chosen experiments in one call (POST /xapi/shares), repeatably', async () => {
      const body = JSON.stringify({ source: 'ALPHA', subject: 'S01', destination: 'GAMMA', label: 'G02', experiments: [{ experiment: 'MR1', label: 'G_MR1' }, 'MR2'] });
      const res = await carl.post('/xapi/shares', { body, headers: { 'content-type': 'application/json' } });
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.json().shares.map((s: { label: string; action: string }) => [s.label, s.action]), [['G02', 'shared'], ['G_MR1', 'shared'], ['MR2', 'shared']]);
      const again = await carl.post('/xapi/shares', { body, headers: { 'content-type': 'application/json' } });
      assert.deepEqual(again.json().shares.map((s: { action: string }) => s.action), ['unchanged', 'unchanged', 'unchanged']);
      assert.deepEqual(labels(await carl.get('/data/projects/GAMMA/experiments?format=json')), ['G_MR1', 'MR2']);
      const bad = await carl.post('/xapi/shares', { body: JSON.stringify({ source: 'ALPHA', subject: 'S01', destination: 'GAMMA', experiment: 'x' }), headers: { 'content-type': 'application/json' } });
      assert.equal(bad.status, 400);
      assert.match(bad.json().error.message, /Unknown field\(s\) 'experiment'/);
    });

    it('records who shared and unshared what, with labels before and after, in both projects', async () => {
      const feed = (await carl.get('/xapi/activity?project=GAMMA&limit=100')).json().events as { action: string; actor: string; label: string; details: Record<string, unknown> }[];
      const share = feed.find((e) => e.action === 'share' && e.label === 'G01');
      assert.ok(share, 'share event in the destination');
      assert.equal(share.actor, 'carl');
      assert.equal(share.details.labelBefore, 'S01');
      assert.equal(share.details.labelAfter, 'G01');
      assert.ok(feed.some((e) => e.action === 'share' && e.details.relabel === true && e.details.labelBefore === 'G01' && e.details.labelAfter === 'G01b'));
      assert.ok(feed.some((e) => e.action === 'unshare' && e.label === 'G01b'));
      const source = (await alice.get('/xapi/activity?project=ALPHA&limit=100')).json().events as { action: string; details: Record<string, unknown> }[];
      assert.ok(source.some((e) => e.action === 'share' && e.details.destination === 'GAMMA'), 'the owner project sees what left');
    });

    it('refuses a bad label, a relabel onto a taken label and unsharing from the owner, changing nothing', async () => {
      const bad = await carl.put(`/data/projects/ALPHA/subjects/S01/projects/GAMMA`, { query: { label: 'bad label' } });
      assert.equal(bad.status, 400, bad.text);
      assert.match(bad.text, /Invalid character in subject label/);
      await makeSubject(carl, 'GAMMA', 'GOWN');
      const taken = await carl.put(`/data/projects/ALPHA/subjects/S01/projects/GAMMA`, { query: { label: 'GOWN' } });
      assert.equal(taken.status, 409, taken.text);
      assert.match(taken.text, /Label already in use: GOWN in project GAMMA/);
      assert.deepEqual(labels(await carl.get('/data/projects/GAMMA/subjects?format=json')), ['G02', 'GOWN'], 'the share keeps its label');
      const owner = await alice.delete(`/data/projects/ALPHA/subjects/S01/projects/ALPHA`);
      assert.equal(owner.status, 409, owner.text);
      assert.match(owner.text, /Subject S01 belongs to project ALPHA: it is not shared there/);
      assert.deepEqual(labels(await alice.get('/data/projects/ALPHA/subjects?format=json')), ['S01']);
    });

    it('refuses to unshare a session under which the destination owns an assessor', async () => {
      const own = await carl.put('/data/projects/GAMMA/experiments/G_MR1/assessors/GQC', { query: { xsiType: 'xnat:qcManualAssessorData' } });
      assert.equal(own.status, 201, own.text);
      const res = await carl.delete(`/data/projects/ALPHA/experiments/MR1/projects/GAMMA`);
      assert.equal(res.status, 409, res.text);
      assert.match(res.text, /Project GAMMA owns assessors of Experiment MR1 \(GQC\): unsharing would orphan them/);
      assert.deepEqual(labels(await carl.get('/data/projects/GAMMA/experiments?format=json')), ['G_MR1', 'MR2'], 'the session stays shared');
      assert.deepEqual(labels(await carl.get('/data/projects/GAMMA/experiments/G_MR1/assessors?format=json')), ['GQC']);
    });

    it('refuses a bad POST /xapi/shares without sharing any part of it', async () => {
      const post = (body: Record<string, unknown>) => alice.post('/xapi/shares', { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
      await makeProject(alice, 'DELTA');
      await makeSubject(alice, 'DELTA', 'D0');
      await makeSession(alice, 'DELTA', 'D0', 'TAKEN_E');
      await makeSubject(alice, 'ALPHA', 'S09');
      await makeSession(alice, 'ALPHA', 'S09', 'MR9');
      const cases: [Record<string, unknown>, number, RegExp][] = [
        [{ source: 'ALPHA', subject: 'S01', destination: 'DELTA', experiments: 'MR1' }, 400, /'experiments' must be "all" or a list/],
        [{ source: 'ALPHA', subject: 'S01', destination: 'DELTA', experiments: [{ experiment: 'MR1', labels: 'x' }] }, 400, /Unknown field\(s\) 'labels'/],
        [{ source: 'ALPHA', subject: 'S01', destination: 'DELTA', experiments: ['MR9'] }, 409, /Experiment MR9 belongs to another subject than Subject S01/],
        [{ source: 'ALPHA', subject: 'S01', destination: 'DELTA', label: 'D01', experiments: [{ experiment: 'MR1', label: 'TAKEN_E' }] }, 409, /Label already in use: TAKEN_E in project DELTA/],
      ];
      for (const [body, status, message] of cases) {
        const res = await post(body);
        assert.equal(res.status, status, `${JSON.stringify(body)}: ${res.text}`);
        assert.match(res.json().error.message, message);
      }
      assert.deepEqual(labels(await alice.get('/data/projects/DELTA/subjects?format=json')), ['D0'], 'the subject was not shared either');
      assert.deepEqual(labels(await alice.get('/data/projects/DELTA/experiments?format=json')), ['TAKEN_E']);
    });
  });
}
