import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { hashUid } from '../../src/domain/anonymization-script.js';
import { dicomZip } from '../support/dicom-files.js';
import { testDialects } from '../support/dialects.js';
import { dumpDicom } from '../support/pydicom.js';
import { buildTestApp, type TestApp } from '../support/test-app.js';

const ZIP = { 'content-type': 'application/zip' };
const text = { 'content-type': 'text/plain' };

for (const dialect of testDialects()) {
  describe(`anonymization and routing rules applied on ingest (${dialect})`, () => {
    let t: TestApp;
    let work: string;
    before(async () => {
      t = await buildTestApp(dialect);
      work = await fs.mkdtemp(path.join(os.tmpdir(), 'xnat-ts-anon-ingest-'));
      assert.equal((await t.admin.put('/data/projects/ANON')).status, 200);
      assert.equal((await t.admin.put('/data/projects/ANON/prearchive_code/4')).status, 200);
      const site = '-(0010,1000)\n(0008,0080) := "SITE"\n';
      const project = '(0010,0010) := subject\n(0010,0020) := session\n-(0029,xxxx)\n(0020,000D) := hashUID[(0020,000D)]\n';
      assert.equal((await t.admin.put('/data/config/anon/script?inbody=true', { body: site, headers: text })).status, 201);
      assert.equal((await t.admin.put('/data/projects/ANON/config/anon?inbody=true', { body: project, headers: text })).status, 201);
      const rules = await t.admin.put('/data/projects/ANON/config/dicom/subjectRules?inbody=true', { body: '(0010,4000):Participant=(\\w+)\n', headers: text });
      assert.equal(rules.status, 201, rules.text);
    });
    after(async () => {
      await t.close();
      await fs.rm(work, { recursive: true, force: true });
    });

    test('the stored files are the anonymized ones, tag by tag, and labels follow the project rules', async () => {
      const zip = await dicomZip([{
        studyUid: '1.2.840.99.1', patientName: 'DOE^JANE', patientId: 'MRN1234',
        tags: { OtherPatientIDs: 'OLD-ID', InstitutionName: 'General Hospital', PatientComments: 'Participant=P042 Session: P042_MR1', ReferringPhysicianName: 'DR^WHO' },
        series: [{ number: 1, description: 'T1', instances: 2 }],
      }]);
      const res = await t.admin.post('/data/services/import?PROJECT_ID=ANON', { body: zip, headers: ZIP });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.text, '/data/archive/projects/ANON/subjects/P042/experiments/P042_MR1\r\n');
      const files = (await t.admin.get('/data/projects/ANON/experiments/P042_MR1/scans/1/resources/DICOM/files?format=json')).rows();
      assert.equal(files.length, 2);
      const download = await t.admin.get(files[0]!.URI!);
      assert.equal(download.status, 200);
      const file = path.join(work, 'one.dcm');
      await fs.writeFile(file, download.body);
      const { dataset } = await dumpDicom(file);
      const value = (tag: string) => dataset[tag]?.Value?.[0];
      assert.equal(dataset['00101000'], undefined, 'OtherPatientIDs deleted by the site script');
      assert.equal(value('00080080'), 'SITE');
      assert.deepEqual(value('00100010'), { Alphabetic: 'P042' });
      assert.equal(value('00100020'), 'P042_MR1');
      assert.equal(value('0020000D'), hashUid('1.2.840.99.1'));
      assert.deepEqual(value('00080090'), { Alphabetic: 'DR^WHO' }, 'tags no script names are kept');
      // The MD5 recorded is that of the stored (anonymized) bytes.
      const crypto = await import('node:crypto');
      assert.equal(crypto.createHash('md5').update(download.body).digest('hex'), files[0]!.digest);
      // The session keeps the StudyInstanceUID it was received with (routing happens before anonymization).
      const session = (await t.admin.get('/data/projects/ANON/experiments?format=json&columns=label,UID')).rows()[0]!;
      assert.equal(session.UID, '1.2.840.99.1');
    });

    test('prevent_anon=true stores the bytes as sent', async () => {
      const zip = await dicomZip([{ studyUid: '1.2.840.99.2', patientName: 'DOE^JOHN', patientId: 'RAW_MR1', tags: { PatientComments: 'Participant=P043' }, series: [{ number: 1, instances: 1 }] }]);
      const res = await t.admin.post('/data/services/import?PROJECT_ID=ANON&prevent_anon=true', { body: zip, headers: ZIP });
      assert.equal(res.status, 200, res.text);
      const file = (await t.admin.get('/data/projects/ANON/experiments/RAW_MR1/scans/1/resources/DICOM/files?format=json')).rows()[0]!;
      const out = path.join(work, 'raw.dcm');
      await fs.writeFile(out, (await t.admin.get(file.URI!)).body);
      const { dataset } = await dumpDicom(out);
      assert.deepEqual(dataset['00100010']?.Value?.[0], { Alphabetic: 'DOE^JOHN' });
    });
  });
}
