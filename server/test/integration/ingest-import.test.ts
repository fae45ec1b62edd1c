import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { dicomZip } from '../support/dicom-files.js';
import { testDialects } from '../support/dialects.js';
import { buildTestApp, type TestApp } from '../support/test-app.js';

const ZIP = { 'content-type': 'application/zip' };
const uris = (text: string) => text.split('\r\n').filter(Boolean);

for (const dialect of testDialects()) {
  describe(`import service and archiving (${dialect})`, () => {
    let t: TestApp;
    before(async () => {
      t = await buildTestApp(dialect);
      for (const p of ['IMP', 'AUTO', 'OVR']) assert.equal((await t.admin.put(`/data/projects/${p}`)).status, 200);
      assert.equal((await t.admin.put('/data/projects/AUTO/prearchive_code/4')).status, 200);
      assert.equal((await t.admin.put('/data/projects/OVR/prearchive_code/5')).status, 200);
    });
    after(() => t.close());

    test('a zip goes to the prearchive by default, grouped into one session with a scan per series', async () => {
      const zip = await dicomZip([{ studyUid: '1.2.3.100', patientName: 'SUBJ^ONE', patientId: 'S1_MR1', series: [{ number: 1, description: 'T1 MPRAGE', instances: 3 }, { number: 2, description: 'BOLD', instances: 2 }] }]);
      const res = await t.admin.post('/data/services/import?import-handler=DICOM-zip&PROJECT_ID=IMP', { body: zip, headers: ZIP });
      assert.equal(res.status, 200, res.text);
      assert.match(String(res.headers['content-type']), /text\/uri-list/);
      const [uri] = uris(res.text);
      assert.match(uri ?? '', /^\/data\/prearchive\/projects\/IMP\/\d{8}_\d{9}\/S1_MR1$/);
      const rows = (await t.admin.get('/data/prearchive/projects/IMP?format=json')).rows();
      assert.equal(rows.length, 1);
      assert.equal(rows[0]?.status, 'READY');
      assert.equal(rows[0]?.subject, 'SUBJ_ONE');
      assert.equal(rows[0]?.tag, '1.2.3.100');
      const scans = (await t.admin.get(`${uri}/scans?format=json`)).rows();
      assert.deepEqual(scans.map((s) => [s.ID, s.xsiType, s.series_description, s.file_count]), [['1', 'xnat:mrScanData', 'T1 MPRAGE', '3'], ['2', 'xnat:mrScanData', 'BOLD', '2']]);
      // Archive it.
      const archived = await t.admin.post(`/data/services/archive?src=${encodeURIComponent(uri!.replace('/data', ''))}`);
      assert.equal(archived.status, 200, archived.text);
      assert.equal(archived.text, '/archive/projects/IMP/subjects/SUBJ_ONE/experiments/S1_MR1\r\n');
      const exp = (await t.admin.get('/data/projects/IMP/experiments?format=json&columns=label,xsiType,UID,date')).rows();
      assert.deepEqual(exp.map((e) => [e.label, e.xsiType, e.UID, e.date]), [['S1_MR1', 'xnat:mrSessionData', '1.2.3.100', '2024-03-01']]);
      const archivedScans = (await t.admin.get('/data/projects/IMP/experiments/S1_MR1/scans?format=json&columns=ID,type,series_description,file_count')).rows();
      assert.deepEqual(archivedScans.map((s) => [s.ID, s.type, s.file_count]), [['1', 'T1 MPRAGE', '3'], ['2', 'BOLD', '2']]);
      const files = (await t.admin.get('/data/projects/IMP/experiments/S1_MR1/scans/1/resources/DICOM/files?format=json')).rows();
      assert.equal(files.length, 3);
      assert.equal((await t.admin.get('/data/prearchive/projects/IMP?format=json')).rows().length, 0);
    });

    test('auto-archive projects archive at once; the same study again merges, another study under the label is a conflict', async () => {
      const first = await dicomZip([{ studyUid: '1.2.3.200', patientName: 'A01', patientId: 'A01_MR1', sopPrefix: '1.2.3.200.9', series: [{ number: 1, description: 'T1', instances: 2 }] }]);
      const res = await t.admin.post('/data/services/import?PROJECT_ID=AUTO', { body: first, headers: ZIP });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.text, '/data/archive/projects/AUTO/subjects/A01/experiments/A01_MR1\r\n');
      const more = await dicomZip([{ studyUid: '1.2.3.200', patientName: 'A01', patientId: 'A01_MR1', series: [{ number: 2, description: 'T2', instances: 2 }] }]);
      const merged = await t.admin.post('/data/services/import?PROJECT_ID=AUTO', { body: more, headers: ZIP });
      assert.equal(merged.status, 200, merged.text);
      const scans = (await t.admin.get('/data/projects/AUTO/experiments/A01_MR1/scans?format=json&columns=ID,file_count')).rows();
      assert.deepEqual(scans.map((s) => [s.ID, s.file_count]), [['1', '2'], ['2', '2']]);
      const other = await dicomZip([{ studyUid: '1.2.3.299', patientName: 'A01', patientId: 'A01_MR1', series: [{ number: 1, instances: 1 }] }]);
      const refused = await t.admin.post('/data/services/import?PROJECT_ID=AUTO', { body: other, headers: ZIP });
      assert.equal(refused.status, 409, refused.text);
      assert.match(refused.text, /1\.2\.3\.200/);
      assert.match(refused.text, /1\.2\.3\.299/);
      const waiting = (await t.admin.get('/data/prearchive/projects/AUTO?format=json')).rows();
      assert.equal(waiting.length, 1);
      assert.equal(waiting[0]?.status, 'CONFLICT');
      const stillTwo = (await t.admin.get('/data/projects/AUTO/experiments/A01_MR1/scans?format=json')).rows();
      assert.equal(stillTwo.length, 2);
    });

    test('non-DICOM entries refuse the upload with their names, or are skipped on request', async () => {
      const zip = await dicomZip([{ studyUid: '1.2.3.300', patientName: 'N01', patientId: 'N01_MR1', series: [{ number: 1, instances: 1 }] }], [{ name: 'export/notes.txt', content: 'hello' }]);
      const refused = await t.admin.post('/data/services/import?PROJECT_ID=IMP', { body: zip, headers: ZIP });
      assert.equal(refused.status, 400);
      assert.match(refused.text, /notes\.txt/);
      assert.equal((await t.admin.get('/data/prearchive/projects/IMP?format=json')).rows().filter((r) => r.name === 'N01_MR1').length, 0);
      const skipped = await t.admin.post('/data/services/import?PROJECT_ID=IMP&Ignore-Unparsable=true', { body: zip, headers: ZIP });
      assert.equal(skipped.status, 200, skipped.text);
    });
  });
}
