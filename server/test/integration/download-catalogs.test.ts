import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { ApiClient } from '../support/api-client.js';
import { unzipBuffer } from '../support/archives.js';
import { addMember, makeProject, makeScan, makeSession, makeSubject } from '../support/builders.js';
import { testDialects } from '../support/dialects.js';
import { buildTestApp, type TestApp } from '../support/test-app.js';

const json = (body: unknown) => ({ body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

for (const dialect of testDialects()) {
  describe(`multi-session download catalogs (${dialect})`, () => {
    let t: TestApp;
    let owner: ApiClient;
    let other: ApiClient;
    const ids: Record<string, string> = {};
    const bytes = crypto.randomBytes(2048);
    before(async () => {
      t = await buildTestApp(dialect);
      owner = await t.user('olivia');
      other = await t.user('oscar');
      for (const [project, subject, label] of [['ALPHA', 'S1', 'MR1'], ['ALPHA', 'S2', 'MR2'], ['GAMMA', 'G1', 'MRG']] as const) {
        if (!(await owner.get(`/data/projects/${project}`)).status.toString().startsWith('2')) await makeProject(owner, project);
        await makeSubject(owner, project, subject);
        ids[label] = await makeSession(owner, project, subject, label);
        await makeScan(owner, project, subject, label, '1', { type: 'T1w' });
        await makeScan(owner, project, subject, label, '2', { type: 'rest fMRI' });
        const session = `/data/projects/${project}/subjects/${subject}/experiments/${label}`;
        await owner.upload(`${session}/scans/1/resources/DICOM/files/a.dcm`, bytes);
        await owner.upload(`${session}/scans/1/resources/NIFTI/files/a.nii`, Buffer.from('nifti'));
        await owner.upload(`${session}/scans/2/resources/DICOM/files/b.dcm`, Buffer.from('second scan'));
        await owner.upload(`${session}/resources/NOTES/files/n.txt`, Buffer.from('notes'));
      }
      await addMember(owner, 'GAMMA', 'member', 'oscar');
    });
    after(() => t.close());

    const request = (sessions: string[], extra: Record<string, unknown> = {}) => ({
      sessions, scan_types: ['T1w', 'rest fMRI'], scan_formats: ['DICOM'], resources: ['NOTES'], options: [], ...extra,
    });

    it('builds a catalog of resource folders per session and serves it as XNAT\'s XML', async () => {
      const res = await owner.post('/xapi/archive/download', json(request([`ALPHA:S1:MR1:${ids.MR1}`, `ALPHA:S2:MR2:${ids.MR2}`])));
      assert.equal(res.status, 200, res.text);
      const id = res.text;
      assert.match(id, /^olivia-\d{8}_\d{9}$/);
      const xml = await owner.get(`/xapi/archive/download/${id}`);
      assert.equal(xml.status, 200);
      assert.match(xml.headers['content-type'] as string, /application\/xml/);
      assert.match(xml.text, new RegExp(`<cat:entrySet ID="${ids.MR1}" description="Project: ALPHA, subject: S1, label: MR1">`));
      assert.match(xml.text, /<cat:entrySet ID="RAW" description="Project: ALPHA, subject: S1, label: MR1 RAW">/);
      assert.match(xml.text, new RegExp(`<cat:entry URI="/archive/experiments/${ids.MR1}/scans/1/resources/DICOM/files" name="MR1/scans/1-T1w/resources/DICOM"/>`));
      assert.match(xml.text, new RegExp(`<cat:entry URI="/archive/experiments/${ids.MR2}/scans/2/resources/DICOM/files" name="MR2/scans/2-rest_fMRI/resources/DICOM"/>`));
      assert.match(xml.text, new RegExp(`<cat:entry URI="/archive/experiments/${ids.MR1}/resources/NOTES/files" name="MR1/resources/NOTES"/>`));
      assert.doesNotMatch(xml.text, /NIFTI/, 'only the requested scan formats');
      const attachment = await owner.get(`/xapi/archive/download/${id}/xml`);
      assert.equal(attachment.headers['content-disposition'], `attachment; filename="${id}.xml"`);
      // The Desktop Client follows each entry URI with /archive/ replaced by /data/ and format=zip.
      const entryZip = await owner.get(`/data/experiments/${ids.MR1}/scans/1/resources/DICOM/files?format=zip`);
      assert.equal(entryZip.status, 200);
    });

    it('streams the whole catalog as one zip of {folder}/{file}', async () => {
      const id = (await owner.post('/xapi/archive/download', json(request([`ALPHA:S1:MR1:${ids.MR1}`, `ALPHA:S2:MR2:${ids.MR2}`])))).text;
      const res = await owner.get(`/xapi/archive/download/${id}/zip`);
      assert.equal(res.status, 200, res.text);
      assert.equal(res.headers['content-disposition'], `attachment; filename="${id}.zip"`);
      assert.equal(Number(res.headers['content-length']), res.body.length);
      const zip = await unzipBuffer(res.body);
      assert.deepEqual([...zip.keys()].sort(), [
        'MR1/resources/NOTES/n.txt', 'MR1/scans/1-T1w/resources/DICOM/a.dcm', 'MR1/scans/2-rest_fMRI/resources/DICOM/b.dcm',
        'MR2/resources/NOTES/n.txt', 'MR2/scans/1-T1w/resources/DICOM/a.dcm', 'MR2/scans/2-rest_fMRI/resources/DICOM/b.dcm',
      ]);
      assert.deepEqual(zip.get('MR2/scans/1-T1w/resources/DICOM/a.dcm'), bytes);
      const test = await unzipBuffer((await owner.get(`/xapi/archive/download/${id}/test`)).body);
      assert.equal(test.get('MR1/scans/1-T1w/resources/DICOM/a.dcm')?.toString(), 'Temporary file for catalog test.\n');
    });

    it('honours the simplified and path options, scan type filters and reports the size', async () => {
      const res = await owner.post('/xapi/archive/downloadwithsize', json(request([`ALPHA:S1:MR1:${ids.MR1}`], {
        scan_types: ['T1w'], scan_formats: ['DICOM', 'NIFTI'], resources: [], options: ['simplified', 'projectIncludedInPath'],
      })));
      assert.equal(res.status, 200, res.text);
      const body = res.json();
      assert.deepEqual(body, { id: body.id, size: String(bytes.length + 'nifti'.length), resourcesOfUnknownSize: '0' });
      const zip = await unzipBuffer((await owner.get(`/xapi/archive/download/${body.id}/zip`)).body);
      assert.deepEqual([...zip.keys()].sort(), ['ALPHA/S1/MR1/1/DICOM/a.dcm', 'ALPHA/S1/MR1/1/NIFTI/a.nii']);
    });

    it('offers the selection as direct file links with sizes and MD5s (xcat)', async () => {
      const id = (await owner.post('/xapi/archive/download', json(request([`ALPHA:S1:MR1:${ids.MR1}`, `GAMMA:G1:MRG:${ids.MRG}`])))).text;
      const res = await owner.get(`/xapi/archive/download/${id}/xcat`);
      assert.equal(res.status, 200);
      assert.match(res.text, new RegExp(`<cat:entrySet ID="${ids.MRG}" description="Project: GAMMA, subject: G1, label: MRG">`));
      const md5 = crypto.createHash('md5').update(bytes).digest('hex');
      assert.match(res.text, new RegExp(`URI="http://localhost(:\\d+)?/data/experiments/${ids.MRG}/scans/1/resources/\\d+/files/a.dcm" cachePath="MRG/scans/1-T1w/resources/DICOM/a.dcm" name="a.dcm" digest="${md5}"`));
      assert.match(res.text, /<cat:metaField name="SIZE">2048<\/cat:metaField>/);
    });

    it('refuses sessions the user cannot read and keeps catalogs private to their builder', async () => {
      const denied = await other.post('/xapi/archive/download', json(request([`ALPHA:S1:MR1:${ids.MR1}`])));
      assert.equal(denied.status, 404);
      assert.match(denied.json().error.message, /Unable to identify project: ALPHA/);
      const wrongProject = await other.post('/xapi/archive/download', json(request([`GAMMA:S1:MR1:${ids.MR1}`])));
      assert.equal(wrongProject.status, 404, 'a session is only reachable through a project that has it');
      const mine = (await owner.post('/xapi/archive/download', json(request([`GAMMA:G1:MRG:${ids.MRG}`])))).text;
      const peek = await other.get(`/xapi/archive/download/${mine}`);
      assert.equal(peek.status, 404);
      assert.match(peek.json().error.message, new RegExp(`No download catalog ${mine} for user oscar`));
      assert.equal((await other.get(`/xapi/archive/download/${mine}/zip`)).status, 404);
      const theirs = (await other.post('/xapi/archive/download', json(request([`GAMMA:G1:MRG:${ids.MRG}`])))).text;
      assert.equal((await other.get(`/xapi/archive/download/${theirs}/zip`)).status, 200);
      await owner.delete('/data/projects/GAMMA/users/member/oscar');
      const revoked = await other.get(`/xapi/archive/download/${theirs}/zip`);
      assert.equal(revoked.status, 404, 'access is checked again when the zip is built');
    });

    it('names what is wrong with a malformed request', async () => {
      const cases: [unknown, RegExp][] = [
        [{}, /Name at least one session/],
        [[`ALPHA:S1:MR1:${ids.MR1}`], /Send a JSON object/],
        [{ sessions: ['ALPHA:MR1'] }, /Session 'ALPHA:MR1' is not PROJECT:SUBJECT:LABEL:EXPERIMENT_ID/],
        [{ sessions: [`ALPHA:S1:MR1:${ids.MR1}`], scan_types: 'T1w' }, /"scan_types" must be a list of strings/],
        [{ sessions: [`ALPHA:S1:MR1:${ids.MR1}`], options: ['flat'] }, /Unknown option 'flat'/],
      ];
      for (const [body, message] of cases) {
        const res = await owner.post('/xapi/archive/download', json(body));
        assert.equal(res.status, 400, JSON.stringify(body));
        assert.match(res.json().error.message, message);
      }
      assert.equal((await owner.get('/xapi/archive/download/olivia-nothing')).status, 404);
    });

    it('leaves out of the zip a resource deleted since the catalog was built', async () => {
      const session = '/data/projects/ALPHA/subjects/S2/experiments/MR2';
      assert.equal((await owner.upload(`${session}/resources/LATER/files/l.txt`, Buffer.from('later'))).status, 200);
      const id = (await owner.post('/xapi/archive/download', json(request([`ALPHA:S2:MR2:${ids.MR2}`], { resources: ['NOTES', 'LATER'] })))).text;
      const names = async () => [...(await unzipBuffer((await owner.get(`/xapi/archive/download/${id}/zip`)).body)).keys()].sort();
      assert.deepEqual(await names(), [
        'MR2/resources/LATER/l.txt', 'MR2/resources/NOTES/n.txt', 'MR2/scans/1-T1w/resources/DICOM/a.dcm', 'MR2/scans/2-rest_fMRI/resources/DICOM/b.dcm',
      ]);
      assert.equal((await owner.delete(`${session}/resources/LATER`)).status, 200);
      assert.deepEqual(await names(), ['MR2/resources/NOTES/n.txt', 'MR2/scans/1-T1w/resources/DICOM/a.dcm', 'MR2/scans/2-rest_fMRI/resources/DICOM/b.dcm']);
    });

    it('refuses the zip with a 500 naming a file missing from disk, before sending anything; the catalog stays', async () => {
      const session = '/data/projects/ALPHA/subjects/S2/experiments/MR2';
      assert.equal((await owner.upload(`${session}/resources/EXTRA/files/gone.txt`, Buffer.from('will vanish'))).status, 200);
      const id = (await owner.post('/xapi/archive/download', json(request([`ALPHA:S2:MR2:${ids.MR2}`], { resources: ['EXTRA'] })))).text;
      await fs.rm(t.app.store.absolute('ALPHA/arc001/MR2/RESOURCES/EXTRA/gone.txt'));
      const res = await owner.get(`/xapi/archive/download/${id}/zip`);
      assert.equal(res.status, 500);
      assert.match(res.json().error.message, /File gone\.txt of resource EXTRA \(folder MR2\/resources\/EXTRA of session MR2\) is missing from the archive disk/);
      assert.equal(res.headers['content-disposition'], undefined, 'no zip was started');
      assert.equal((await owner.get(`/xapi/archive/download/${id}`)).status, 200, 'the catalog can still be fetched');
      await owner.delete(`${session}/resources/EXTRA`);
    });
  });
}
