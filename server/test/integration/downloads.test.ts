import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import zlib from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import type { ApiClient } from '../support/api-client.js';
import { unzipBuffer, untarBuffer } from '../support/archives.js';
import { addMember, makeProject, makeScan, makeSession, makeSubject } from '../support/builders.js';
import { testDialects } from '../support/dialects.js';
import { buildTestApp, type TestApp } from '../support/test-app.js';

const SESSION = '/data/projects/ALPHA/subjects/S1/experiments/MR1';
const FILES: Record<string, Buffer> = {
  'scans/1/resources/DICOM/files/1.dcm': crypto.randomBytes(3000),
  'scans/1/resources/DICOM/files/sub/2.dcm': crypto.randomBytes(5000),
  'scans/2/resources/DICOM/files/1.dcm': crypto.randomBytes(4000),
  'scans/2/resources/NIFTI/files/t2.nii': crypto.randomBytes(1000),
  'resources/NOTES/files/notes.txt': Buffer.from('session notes\n'),
};
const content = (key: string) => FILES[key] as Buffer;
const sorted = (names: Iterable<string>) => [...names].sort();

for (const dialect of testDialects()) {
  describe(`downloads (${dialect})`, () => {
    let t: TestApp;
    let owner: ApiClient;
    let stranger: ApiClient;
    let sessionId: string;
    before(async () => {
      t = await buildTestApp(dialect);
      owner = await t.user('olivia');
      stranger = await t.user('sam');
      await makeProject(owner, 'ALPHA');
      await makeSubject(owner, 'ALPHA', 'S1');
      sessionId = await makeSession(owner, 'ALPHA', 'S1', 'MR1');
      await makeScan(owner, 'ALPHA', 'S1', 'MR1', '1', { type: 'T1 MPRAGE' });
      await makeScan(owner, 'ALPHA', 'S1', 'MR1', '2', { type: 'T2w' });
      for (const [path, bytes] of Object.entries(FILES)) {
        const res = await owner.upload(`${SESSION}/${path}`, bytes);
        assert.equal(res.status, 200, `${path}: ${res.text}`);
      }
    });
    after(() => t.close());

    it('zips every scan of a session in XNAT\'s default layout, with Content-Length and the session name', async () => {
      const res = await owner.get(`${SESSION}/scans/ALL/files?format=zip`);
      assert.equal(res.status, 200, res.text);
      assert.equal(res.headers['content-type'], 'application/zip');
      assert.equal(res.headers['content-disposition'], 'attachment; filename="MR1.zip"');
      assert.equal(Number(res.headers['content-length']), res.body.length);
      const zip = await unzipBuffer(res.body);
      assert.deepEqual(sorted(zip.keys()), [
        'MR1/scans/1-T1_MPRAGE/resources/DICOM/files/1.dcm',
        'MR1/scans/1-T1_MPRAGE/resources/DICOM/files/sub/2.dcm',
        'MR1/scans/2-T2w/resources/DICOM/files/1.dcm',
        'MR1/scans/2-T2w/resources/NIFTI/files/t2.nii',
      ]);
      assert.deepEqual(zip.get('MR1/scans/1-T1_MPRAGE/resources/DICOM/files/sub/2.dcm'), content('scans/1/resources/DICOM/files/sub/2.dcm'));
      assert.deepEqual(zip.get('MR1/scans/2-T2w/resources/NIFTI/files/t2.nii'), content('scans/2/resources/NIFTI/files/t2.nii'));
    });

    it('lays files out by structure=simplified, improved and legacy', async () => {
      const names = async (structure: string) => sorted((await unzipBuffer((await owner.get(`${SESSION}/scans/ALL/files?format=zip&structure=${structure}`)).body)).keys());
      assert.deepEqual(await names('simplified'), ['MR1/scans/1/DICOM/1.dcm', 'MR1/scans/1/DICOM/sub/2.dcm', 'MR1/scans/2/DICOM/1.dcm', 'MR1/scans/2/NIFTI/t2.nii']);
      assert.deepEqual(await names('improved'), ['scans/1_T1 MPRAGE/DICOM/1.dcm', 'scans/1_T1 MPRAGE/DICOM/sub/2.dcm', 'scans/2_T2w/DICOM/1.dcm', 'scans/2_T2w/NIFTI/t2.nii']);
      assert.deepEqual(await names('legacy'), ['MR1/SCANS/1/DICOM/1.dcm', 'MR1/SCANS/1/DICOM/sub/2.dcm', 'MR1/SCANS/2/DICOM/1.dcm', 'MR1/SCANS/2/NIFTI/t2.nii']);
      const bad = await owner.get(`${SESSION}/scans/ALL/files?format=zip&structure=flat`);
      assert.equal(bad.status, 400);
      assert.match(bad.text, /Unknown structure 'flat'/);
    });

    it('includes session resources with the session files and selects scans by type, list and resource', async () => {
      const all = await unzipBuffer((await owner.get(`${SESSION}/files?format=zip`)).body);
      assert.ok(all.has('MR1/resources/NOTES/files/notes.txt'));
      assert.equal(all.size, Object.keys(FILES).length);
      const byType = await unzipBuffer((await owner.get(`${SESSION}/scans/T2w/files?format=zip`)).body);
      assert.deepEqual(sorted(byType.keys()), ['MR1/scans/2-T2w/resources/DICOM/files/1.dcm', 'MR1/scans/2-T2w/resources/NIFTI/files/t2.nii']);
      const list = await unzipBuffer((await owner.get(`${SESSION}/scans/1,2/resources/DICOM/files?format=zip`)).body);
      assert.deepEqual(sorted(list.keys()), ['MR1/scans/1-T1_MPRAGE/resources/DICOM/files/1.dcm', 'MR1/scans/1-T1_MPRAGE/resources/DICOM/files/sub/2.dcm', 'MR1/scans/2-T2w/resources/DICOM/files/1.dcm']);
      const byId = await owner.get(`/data/experiments/${sessionId}/scans/ALL/files?format=zip`);
      assert.equal(byId.status, 200);
      assert.equal((await unzipBuffer(byId.body)).size, 4);
    });

    it('streams tar and tar.gz with the same layout', async () => {
      const tar = await owner.get(`${SESSION}/scans/ALL/files?format=tar`);
      assert.equal(tar.headers['content-type'], 'application/x-tar');
      assert.equal(tar.headers['content-disposition'], 'attachment; filename="MR1.tar"');
      const members = await untarBuffer(tar.body);
      assert.deepEqual(members.get('MR1/scans/2-T2w/resources/DICOM/files/1.dcm'), content('scans/2/resources/DICOM/files/1.dcm'));
      for (const format of ['tar.gz', 'tgz']) {
        const tgz = await owner.get(`${SESSION}/scans/ALL/files?format=${format}`);
        assert.equal(tgz.headers['content-disposition'], 'attachment; filename="MR1.tar.gz"');
        assert.equal((await untarBuffer(zlib.gunzipSync(tgz.body))).size, 4);
      }
      const improved = await untarBuffer((await owner.get(`${SESSION}/scans/ALL/files?format=tar&structure=improved`)).body);
      assert.ok(improved.has('scans/1/DICOM/1.dcm'), 'tar names leave the scan type out (XNAT: tar names are short)');
    });

    it('answers HEAD with the zip\'s length and no body', async () => {
      const head = await owner.request('HEAD', `${SESSION}/scans/ALL/files?format=zip`);
      const get = await owner.get(`${SESSION}/scans/ALL/files?format=zip`);
      assert.equal(head.status, 200);
      assert.equal(head.body.length, 0);
      assert.equal(head.headers['content-length'], String(get.body.length));
    });

    it('lists files as an xcat catalog of direct links with sizes and MD5s', async () => {
      const res = await owner.get(`${SESSION}/scans/ALL/files?format=xcat`);
      assert.equal(res.status, 200);
      assert.equal(res.headers['content-disposition'], 'attachment; filename="files.xcat"');
      const entry = /<cat:entry URI="([^"]+)" cachePath="([^"]+)" name="([^"]+)" digest="([0-9a-f]{32})">\s*<cat:metaFields><cat:metaField name="RELATIVE_PATH">[^<]+<\/cat:metaField><cat:metaField name="SIZE">(\d+)</g;
      const entries = [...res.text.matchAll(entry)];
      assert.equal(entries.length, 4);
      const t2 = entries.find((e) => e[2] === 'MR1/scans/2-T2w/resources/NIFTI/files/t2.nii');
      assert.ok(t2, res.text);
      assert.match(t2[1] as string, new RegExp(`^http://localhost(:\\d+)?/data/experiments/${sessionId}/scans/2/resources/\\d+/files/t2.nii$`));
      assert.equal(t2[4], crypto.createHash('md5').update(content('scans/2/resources/NIFTI/files/t2.nii')).digest('hex'));
      assert.equal(t2[5], '1000');
      const file = await owner.get(new URL(t2[1] as string).pathname);
      assert.deepEqual(file.body, content('scans/2/resources/NIFTI/files/t2.nii'));
    });

    it('serves byte ranges of a file: start, middle, suffix; refuses unsatisfiable ones with 416', async () => {
      const url = `${SESSION}/scans/1/resources/DICOM/files/1.dcm`;
      const bytes = content('scans/1/resources/DICOM/files/1.dcm');
      const start = await owner.get(url, { headers: { range: 'bytes=0-99' } });
      assert.equal(start.status, 206);
      assert.equal(start.headers['content-range'], `bytes 0-99/${bytes.length}`);
      assert.deepEqual(start.body, bytes.subarray(0, 100));
      const middle = await owner.get(url, { headers: { range: 'bytes=1000-1999' } });
      assert.deepEqual(middle.body, bytes.subarray(1000, 2000));
      const open = await owner.get(url, { headers: { range: 'bytes=2900-' } });
      assert.deepEqual(open.body, bytes.subarray(2900));
      const suffix = await owner.get(url, { headers: { range: 'bytes=-500' } });
      assert.equal(suffix.headers['content-range'], `bytes 2500-2999/${bytes.length}`);
      assert.deepEqual(suffix.body, bytes.subarray(2500));
      for (const range of [`bytes=${bytes.length}-`, 'bytes=500-100', 'bytes=-0', 'pages=1-2']) {
        const bad = await owner.get(url, { headers: { range } });
        assert.equal(bad.status, 416, range);
        assert.equal(bad.headers['content-range'], `bytes */${bytes.length}`);
      }
      const etag = start.headers.etag as string;
      assert.equal(etag, `"${crypto.createHash('md5').update(bytes).digest('hex')}"`);
      assert.equal((await owner.get(url, { headers: { 'if-none-match': etag } })).status, 304);
      const stale = await owner.get(url, { headers: { range: 'bytes=0-9', 'if-range': '"0123"' } });
      assert.equal(stale.status, 200, 'a changed file is sent whole instead of a range of the wrong version');
      assert.deepEqual(stale.body, bytes);
    });

    it('refuses downloads to users without read access, and answers 404 for an empty selection', async () => {
      const hidden = await stranger.get(`${SESSION}/scans/ALL/files?format=zip`);
      assert.equal(hidden.status, 404);
      assert.match(hidden.text, /Unable to identify project: ALPHA/);
      const byId = await stranger.get(`/data/experiments/${sessionId}/scans/ALL/files?format=zip`);
      assert.equal(byId.status, 404);
      assert.equal((await t.anonymous.get(`${SESSION}/scans/ALL/files?format=zip`)).status, 401);
      await makeScan(owner, 'ALPHA', 'S1', 'MR1', '3', { type: 'empty' });
      const empty = await owner.get(`${SESSION}/scans/3/files?format=zip`);
      assert.equal(empty.status, 404);
      assert.match(empty.text, /No files to download/);
    });

    it('downloads a session shared into another project from there, under its shared labels', async () => {
      const reader = await t.user('rita');
      await makeProject(owner, 'BETA');
      await addMember(owner, 'BETA', 'member', 'rita');
      assert.equal((await owner.put('/data/projects/ALPHA/subjects/S1/projects/BETA', { query: { label: 'S1_B' } })).status, 200);
      assert.equal((await owner.put(`${SESSION}/projects/BETA`, { query: { label: 'MR1_B' } })).status, 200);
      const res = await reader.get('/data/projects/BETA/subjects/S1_B/experiments/MR1_B/scans/ALL/files?format=zip');
      assert.equal(res.status, 200, res.text);
      assert.equal(res.headers['content-disposition'], 'attachment; filename="MR1_B.zip"');
      const zip = await unzipBuffer(res.body);
      assert.deepEqual(zip.get('MR1_B/scans/1-T1_MPRAGE/resources/DICOM/files/1.dcm'), content('scans/1/resources/DICOM/files/1.dcm'));
      const viaOwner = await reader.get(`${SESSION}/scans/ALL/files?format=zip`);
      assert.equal(viaOwner.status, 404, 'the owning project stays closed to members of the destination only');
    });

    it('names an assessor\'s download after the assessor and files it under its session, with the labels of the project asked through', async () => {
      assert.equal((await owner.put(`${SESSION}/assessors/QC1`, { query: { xsiType: 'xnat:qcAssessmentData' } })).status, 201);
      const report = Buffer.from('qc report\n');
      assert.equal((await owner.upload(`${SESSION}/assessors/QC1/out/resources/QC/files/report.txt`, report)).status, 200);
      const res = await owner.get(`${SESSION}/assessors/QC1/out/resources/QC/files?format=zip`);
      assert.equal(res.status, 200, res.text);
      assert.equal(res.headers['content-disposition'], 'attachment; filename="QC1.zip"');
      assert.deepEqual([...(await unzipBuffer(res.body)).entries()], [['MR1/assessors/QC1/resources/QC/files/report.txt', report]]);
      const simplified = await unzipBuffer((await owner.get(`${SESSION}/assessors/QC1/out/resources/QC/files?format=zip&structure=simplified`)).body);
      assert.deepEqual([...simplified.keys()], ['MR1/assessors/QC1/QC/report.txt']);
      // Shared into BETA (with the session, shared as MR1_B above), both labels are BETA's.
      assert.equal((await owner.put(`${SESSION}/assessors/QC1/projects/BETA`, { query: { label: 'QC1_B' } })).status, 200);
      const shared = await owner.get('/data/projects/BETA/subjects/S1_B/experiments/MR1_B/assessors/QC1_B/out/resources/QC/files?format=zip');
      assert.equal(shared.status, 200, shared.text);
      assert.equal(shared.headers['content-disposition'], 'attachment; filename="QC1_B.zip"');
      assert.deepEqual([...(await unzipBuffer(shared.body)).keys()], ['MR1_B/assessors/QC1_B/resources/QC/files/report.txt']);
    });

    it('refuses with a 500 naming the file when a file is missing from disk, before sending anything', async () => {
      await owner.upload(`${SESSION}/scans/2/resources/EXTRA/files/gone.dcm`, Buffer.from('will vanish'));
      await fs.rm(t.app.store.absolute('ALPHA/arc001/MR1/SCANS/2/EXTRA/gone.dcm'));
      const res = await owner.get(`${SESSION}/scans/ALL/files?format=zip`);
      assert.equal(res.status, 500);
      assert.match(res.text, /File gone\.dcm of resource EXTRA \(Scan 2 of session MR1\) is missing from the archive disk/);
      assert.doesNotMatch(res.text, /\/tmp|archive\/ALPHA/, 'no server paths in the message');
      const tar = await owner.get(`${SESSION}/scans/ALL/files?format=tar`);
      assert.equal(tar.status, 500);
      const stillFine = await owner.get(`${SESSION}/scans/1/files?format=zip`);
      assert.equal(stillFine.status, 200, 'other selections still download');
      await owner.delete(`${SESSION}/scans/2/resources/EXTRA`);
    });

    it('refuses with a 500 naming the file when a file on disk has another size than recorded, keeping its row', async () => {
      await owner.upload(`${SESSION}/scans/2/resources/EXTRA/files/short.dcm`, Buffer.from('twenty-one bytes long'));
      await fs.writeFile(t.app.store.absolute('ALPHA/arc001/MR1/SCANS/2/EXTRA/short.dcm'), 'cut');
      for (const format of ['zip', 'tar']) {
        const res = await owner.get(`${SESSION}/scans/2/files?format=${format}`);
        assert.equal(res.status, 500, format);
        assert.match(res.text, /File short\.dcm of resource EXTRA \(Scan 2 of session MR1\) has 3 bytes on disk but 21 recorded/);
      }
      const listed = (await owner.get(`${SESSION}/scans/2/resources/EXTRA/files?format=json`)).json().ResultSet.Result;
      assert.deepEqual(listed.map((r: { Name: string; Size: unknown }) => [r.Name, String(r.Size)]), [['short.dcm', '21']], 'the refusal changes nothing stored');
      await owner.delete(`${SESSION}/scans/2/resources/EXTRA`);
    });
  });
}
