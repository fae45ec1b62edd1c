import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { writeDicomStudies } from '../support/dicom-files.js';
import { testDialects } from '../support/dialects.js';
import { buildTestApp, type TestApp } from '../support/test-app.js';
import { waitFor } from '../support/wait-for.js';

const DICOM = { 'content-type': 'application/dicom' };

for (const dialect of testDialects()) {
  describe(`sessions received a file at a time are built once quiet (${dialect})`, () => {
    let t: TestApp;
    before(async () => {
      t = await buildTestApp(dialect, { 'ingest.quietSeconds': 1 });
      assert.equal((await t.admin.put('/data/projects/QA')).status, 200);
      assert.equal((await t.admin.put('/data/projects/QM')).status, 200);
      assert.equal((await t.admin.put('/data/projects/QA/prearchive_code/4')).status, 200);
    });
    after(() => t.close());

    const send = async (project: string, studyUid: string, label: string, instances: number, query = '') => {
      const { dir, files } = await writeDicomStudies([{ studyUid, patientName: 'Q01', patientId: label, series: [{ number: 1, instances }] }]);
      let uri = '';
      for (const f of files) {
        const res = await t.admin.post(`/data/services/import?import-handler=gradual-DICOM&PROJECT_ID=${project}${query}`, { body: await fs.readFile(path.join(dir, f)), headers: DICOM });
        assert.equal(res.status, 200, res.text);
        uri = res.text.trim();
      }
      await fs.rm(dir, { recursive: true, force: true });
      return uri;
    };

    test('an auto-archive project archives the session after the quiet period; a manual one leaves it READY', async () => {
      await send('QA', '1.5.1', 'Q01_MR1', 3);
      const manual = await send('QM', '1.5.2', 'Q01_MR2', 2);
      await waitFor(async () => (await t.admin.get('/data/projects/QA/experiments/Q01_MR1/scans?format=json&columns=ID,file_count')).rows()[0]?.file_count === '3', { what: 'the quiet session to be archived', timeoutMs: 15_000 });
      await waitFor(async () => (await t.admin.get(`${manual}?format=json`)).rows()[0]?.status === 'READY', { what: 'the manual session to be built', timeoutMs: 15_000 });
      assert.equal((await t.admin.get('/data/prearchive/projects/QA?format=json')).rows().length, 0);
    });

    test('a sender that commits itself (SOURCE=uploader) is left RECEIVING', async () => {
      const uri = await send('QM', '1.5.3', 'Q01_MR3', 1, '&SOURCE=uploader');
      await new Promise((r) => setTimeout(r, 2500));
      assert.equal((await t.admin.get(`${uri}?format=json`)).rows()[0]?.status, 'RECEIVING');
    });

    test('a session left RECEIVING by a stopped server is built after the restart', async () => {
      t = await t.restart({ 'ingest.quietSeconds': 3600 });
      const uri = await send('QM', '1.5.4', 'Q01_MR4', 2);
      t = await t.restart({ 'ingest.quietSeconds': 1 });
      await waitFor(async () => (await t.admin.get(`${uri}?format=json`)).rows()[0]?.status === 'READY', { what: 'the session to be built after the restart', timeoutMs: 15_000 });
      assert.equal((await t.admin.get(`${uri}/scans?format=json`)).rows()[0]?.file_count, '2');
    });
  });
}
