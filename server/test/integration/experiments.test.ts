import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testDialects } from '../support/dialects.js';
import { buildTestApp, type TestApp } from '../support/test-app.js';
import { addMember, makeProject, makeSubject } from '../support/builders.js';
import type { ApiClient } from '../support/api-client.js';

for (const dialect of testDialects()) {
  describe(`experiments and scans (${dialect})`, () => {
    let t: TestApp;
    let owner: ApiClient;
    let collaborator: ApiClient;
    let sessionId: string;
    before(async () => {
      t = await buildTestApp(dialect);
      owner = await t.user('oona');
      collaborator = await t.user('carl');
      await makeProject(owner, 'P1');
      await makeProject(owner, 'P2');
      await addMember(owner, 'P1', 'collaborator', 'carl');
      await makeSubject(owner, 'P1', 'S01');
    });
    after(() => t.close());

    it('creates an MR session under a subject: 201 + ID; fields by shortcut and xpath', async () => {
      const res = await owner.put('/data/projects/P1/subjects/S01/experiments/S01_MR1', {
        query: { xsiType: 'xnat:mrSessionData', date: '2024-01-22', 'xnat:mrSessionData/fieldStrength': '3.0', 'xnat:imageSessionData/UID': '1.2.3.4', scanner: 'Prisma' },
      });
      assert.equal(res.status, 201, res.text);
      assert.match(res.text, /^XNAT_E\d{5}$/);
      sessionId = res.text;
      const again = await owner.put('/data/projects/P1/subjects/S01/experiments/S01_MR1', { query: { xsiType: 'xnat:mrSessionData', visit: 'baseline' } });
      assert.equal(again.status, 200);
      assert.equal(again.text, sessionId);
    });

    it('lists experiments of the project and of the subject with xsiType', async () => {
      const rows = (await owner.get('/data/projects/P1/experiments?format=json')).rows();
      assert.deepEqual(rows.map((r) => [r.ID, r.project, r.date, r.xsiType, r.label]), [[sessionId, 'P1', '2024-01-22', 'xnat:mrSessionData', 'S01_MR1']]);
      assert.equal(rows[0]?.URI, `/data/experiments/${sessionId}`);
      const bySubject = (await owner.get('/data/projects/P1/subjects/S01/experiments?format=csv&columns=ID,xsiType')).text.trim().split('\n');
      assert.deepEqual(bySubject, ['ID,xsiType,URI', `${sessionId},xnat:mrSessionData,/data/experiments/${sessionId}`]);
      const site = (await owner.get('/data/experiments?format=json&xsiType=xnat:subjectAssessorData&ID=' + sessionId + '&columns=ID,project,xnat:subjectAssessorData/subject_id')).rows();
      assert.equal(site.length, 1);
      assert.equal(site[0]?.project, 'P1');
      assert.match(site[0]!.subject_ID!, /^XNAT_S/);
      assert.equal((await owner.get('/data/experiments?format=json&xsiType=xnat:ctSessionData')).rows().length, 0);
      assert.equal((await owner.get('/data/experiments?format=json&xsiType=xnat:imageSessionData')).rows().length, 1);
    });

    it('finds experiments by label or ID in context; /data/experiments takes IDs only', async () => {
      assert.equal((await owner.get(`/data/projects/P1/experiments/${sessionId}?format=json`)).status, 200);
      assert.equal((await owner.get('/data/projects/P1/experiments/S01_MR1?format=json')).status, 200);
      assert.equal((await owner.get(`/data/projects/P1/subjects/S01/experiments/${sessionId}?format=json`)).status, 200);
      assert.equal((await owner.get('/data/experiments/S01_MR1')).status, 404);
      const doc = (await owner.get(`/data/experiments/${sessionId}?format=json`)).json();
      assert.equal(doc.items[0].meta['xsi:type'], 'xnat:mrSessionData');
      assert.equal(doc.items[0].data_fields.fieldStrength, '3.0');
      assert.equal(doc.items[0].data_fields.UID, '1.2.3.4');
      assert.equal(doc.items[0].data_fields.visit, 'baseline');
      assert.equal(doc.items[0].data_fields.modality, 'MR');
      const xml = (await owner.get(`/data/experiments/${sessionId}?format=xml`)).text;
      assert.match(xml, new RegExp(`<xnat:MRSession ID="${sessionId}" project="P1" label="S01_MR1"`));
    });

    it('creates the subject on the fly when the URL names a new one', async () => {
      const res = await owner.put('/data/projects/P1/subjects/S02/experiments/S02_CT1', { query: { xsiType: 'xnat:ctSessionData' } });
      assert.equal(res.status, 201);
      assert.equal((await owner.get('/data/projects/P1/subjects/S02')).status, 200);
    });

    it('refuses missing or wrong types, type changes and duplicate labels', async () => {
      assert.match((await owner.put('/data/projects/P1/subjects/S01/experiments/NOTYPE')).text, /xsiType/);
      assert.equal((await owner.put('/data/projects/P1/subjects/S01/experiments/X1', { query: { xsiType: 'xnat:fooData' } })).status, 400);
      assert.equal((await owner.put('/data/projects/P1/subjects/S01/experiments/X1', { query: { xsiType: 'xnat:mrScanData' } })).status, 400);
      const typeChange = await owner.put('/data/projects/P1/subjects/S01/experiments/S01_MR1', { query: { xsiType: 'xnat:ctSessionData' } });
      assert.equal(typeChange.status, 409);
      const otherSubject = await owner.put('/data/projects/P1/subjects/S02/experiments/S01_MR1', { query: { xsiType: 'xnat:mrSessionData' } });
      assert.equal(otherSubject.status, 409);
      assert.match(otherSubject.text, /under another subject/);
      const rename = await owner.put('/data/projects/P1/subjects/S02/experiments/S02_CT1', { query: { label: 'S01_MR1' } });
      assert.equal(rename.status, 409);
      assert.equal((await owner.put('/data/projects/P1/experiments/NOSUBJ', { query: { xsiType: 'xnat:mrSessionData' } })).status, 400);
      assert.equal((await collaborator.put('/data/projects/P1/subjects/S01/experiments/S01_MR9', { query: { xsiType: 'xnat:mrSessionData' } })).status, 403);
    });

    it('moves an experiment to another subject with subject_ID and renames it with label', async () => {
      const res = await owner.put('/data/projects/P1/experiments/S02_CT1', { query: { subject_ID: 'S01' } });
      assert.equal(res.status, 200, res.text);
      const rows = (await owner.get('/data/projects/P1/subjects/S01/experiments?format=json')).rows().map((r) => r.label);
      assert.deepEqual(rows.sort(), ['S01_CT1'.replace('S01', 'S02'), 'S01_MR1'].sort());
      assert.equal((await owner.put('/data/projects/P1/experiments/S02_CT1', { query: { label: 'S01_CT1' } })).status, 200);
      assert.equal((await owner.get('/data/projects/P1/experiments/S01_CT1')).status, 200);
    });

    it('creates, lists, updates and deletes scans', async () => {
      const base = '/data/projects/P1/subjects/S01/experiments/S01_MR1/scans';
      assert.equal((await owner.put(`${base}/1`, { query: { xsiType: 'xnat:mrScanData', type: 'T1w', series_description: 'MPRAGE', quality: 'usable', frames: '176' } })).status, 200);
      assert.equal((await owner.put(`${base}/2`, { query: { 'xnat:mrScanData/type': 'T2w' } })).status, 200, 'xsiType defaults from the session');
      assert.equal((await owner.put(`${base}/10`, { query: { xsiType: 'xnat:mrScanData', type: 'rest' } })).status, 200);
      const list = (await owner.get(`${base}?format=json`)).json();
      assert.equal(list.ResultSet.totalRecords, '3');
      const rows = list.ResultSet.Result;
      assert.deepEqual(rows.map((r: Record<string, string>) => r.ID), ['1', '2', '10'], 'numeric scan order');
      assert.deepEqual(Object.keys(rows[0]).sort(), ['ID', 'URI', 'note', 'quality', 'series_description', 'type', 'xnat_imagescandata_id', 'xsiType'].sort());
      assert.equal(rows[0].URI, `/data/experiments/${sessionId}/scans/1`);
      assert.equal(rows[1].xsiType, 'xnat:mrScanData');
      const scan = (await owner.get(`/data/experiments/${sessionId}/scans/1?format=json`)).json();
      assert.equal(scan.items[0].data_fields.frames, '176');
      assert.equal((await owner.get(`/data/experiments/${sessionId}/scans/T2w?format=json`)).status, 200, 'scans are matched by type too');
      const selected = (await owner.get(`/data/experiments/${sessionId}/scans/1,T2w?format=json`)).rows().map((r) => r.ID);
      assert.deepEqual(selected, ['1', '2']);
      assert.equal((await owner.put(`${base}/1`, { query: { quality: 'questionable' } })).status, 200);
      assert.equal((await owner.get(`${base}?format=json`)).rows()[0]?.quality, 'questionable');
      assert.equal((await owner.put(`${base}/1`, { query: { xsiType: 'xnat:ctScanData' } })).status, 409);
      assert.equal((await owner.put(`${base}/3`, { query: { xsiType: 'xnat:imageScanData' } })).status, 400);
      assert.equal((await owner.put(`${base}/bad%20id`, { query: { xsiType: 'xnat:mrScanData' } })).status, 400);
      assert.equal((await collaborator.put(`${base}/4`, { query: { xsiType: 'xnat:mrScanData' } })).status, 403);
      assert.equal((await owner.delete(`${base}/10`)).status, 200);
      assert.equal((await owner.get(`${base}/10`)).status, 404);
      assert.equal((await owner.delete(`${base}/10`)).status, 404);
    });

    it('includes scans in the session document', async () => {
      const doc = (await owner.get(`/data/experiments/${sessionId}?format=json`)).json();
      const scans = doc.items[0].children.find((c: { field: string }) => c.field === 'scans/scan');
      assert.deepEqual(scans.items.map((s: { data_fields: { ID: string } }) => s.data_fields.ID), ['1', '2']);
      assert.equal(scans.items[0].meta['xsi:type'], 'xnat:mrScanData');
    });

    it('creates and lists assessors of a session', async () => {
      const res = await owner.put(`/data/projects/P1/subjects/S01/experiments/S01_MR1/assessors/S01_MR1_QC`, { query: { xsiType: 'xnat:qcAssessmentData' } });
      assert.equal(res.status, 201, res.text);
      const rows = (await owner.get('/data/projects/P1/subjects/S01/experiments/S01_MR1/assessors?format=json')).rows();
      assert.deepEqual(rows.map((r) => [r.label, r.xsiType, r.session_ID, r.session_label]), [['S01_MR1_QC', 'xnat:qcAssessmentData', sessionId, 'S01_MR1']]);
      assert.equal((await owner.get('/data/projects/P1/experiments?format=json')).rows().some((r) => r.label === 'S01_MR1_QC'), false, 'assessors are listed under their session');
      assert.equal((await owner.put('/data/projects/P1/subjects/S01/experiments/S01_MR1/assessors/BAD', { query: { xsiType: 'xnat:mrSessionData' } })).status, 400);
      assert.equal((await owner.put('/data/projects/P1/subjects/S01/experiments/QC2', { query: { xsiType: 'xnat:qcAssessmentData' } })).status, 400);
    });

    it('lists the sharing table of an experiment (owner first)', async () => {
      const rows = (await owner.get(`/data/projects/P1/experiments/S01_MR1/projects?format=json`)).rows();
      assert.deepEqual(rows, [{ label: 'S01_MR1', ID: 'P1', Secondary_ID: 'P1', Name: 'P1' }]);
    });

    it('deletes a session with its scans and assessors', async () => {
      assert.equal((await collaborator.delete(`/data/experiments/${sessionId}`)).status, 403);
      assert.equal((await owner.delete(`/data/projects/P1/experiments/S01_MR1?removeFiles=true`)).status, 200);
      assert.equal((await owner.get(`/data/experiments/${sessionId}`)).status, 404);
      assert.equal((await owner.get('/data/projects/P1/experiments/S01_MR1_QC')).status, 404);
    });
  });
}
