import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { makeTar, makeZip, makeZipSlip } from '../support/archives.js';
import { dicomZip, writeDicomStudies } from '../support/dicom-files.js';
import { testDialects } from '../support/dialects.js';
import { buildTestApp, type TestApp } from '../support/test-app.js';
import type { ApiClient } from '../support/api-client.js';

const ZIP = { 'content-type': 'application/zip' };
const first = (text: string) => text.split('\r\n').filter(Boolean)[0] as string;
const src = (uri: string) => encodeURIComponent(uri.replace(/^\/data/, ''));

for (const dialect of testDialects()) {
  describe(`prearchive actions, routing and refusals (${dialect})`, () => {
    let t: TestApp;
    let member: ApiClient;
    let collaborator: ApiClient;
    let outsider: ApiClient;
    before(async () => {
      t = await buildTestApp(dialect);
      for (const p of ['PA', 'PB', 'NOSUBJ']) assert.equal((await t.admin.put(`/data/projects/${p}`)).status, 200);
      member = await t.user('mem');
      collaborator = await t.user('col');
      outsider = await t.user('out');
      assert.equal((await t.admin.put('/data/projects/PA/users/Members/mem')).status, 200);
      assert.equal((await t.admin.put('/data/projects/PA/users/Collaborators/col')).status, 200);
      assert.equal((await t.admin.put('/data/projects/NOSUBJ/allow_subject_creation/false')).status, 200);
    });
    after(() => t.close());

    const upload = async (client: ApiClient, query: string, studyUid: string, labels: { name?: string; id?: string; tags?: Record<string, string> } = {}, series = [{ number: 1, description: 'T1', instances: 2 }]) => {
      const zip = await dicomZip([{ studyUid, patientName: labels.name ?? 'P01', patientId: labels.id ?? 'P01_MR1', tags: labels.tags, series }]);
      return client.post(`/data/services/import?${query}`, { body: zip, headers: ZIP });
    };

    test('members move, rebuild, delete and archive under new labels; collaborators and outsiders are refused', async () => {
      const res = await upload(member, 'PROJECT_ID=PA', '1.9.1');
      assert.equal(res.status, 200, res.text);
      const uri = first(res.text);
      assert.equal((await collaborator.get('/data/prearchive/projects/PA?format=json')).status, 403);
      assert.equal((await outsider.get('/data/prearchive/projects/PA?format=json')).status, 404);
      assert.equal((await collaborator.post(`/data/services/archive?src=${src(uri)}`)).status, 403);
      assert.equal((await collaborator.post('/data/services/import?PROJECT_ID=PA', { body: await dicomZip([{ studyUid: '1.9.9', series: [{ number: 1, instances: 1 }] }]), headers: ZIP })).status, 403);
      // Everything the member can see across projects.
      assert.deepEqual((await member.get('/data/prearchive/projects?format=json')).rows().map((r) => r.project), ['PA']);

      const listed = (await member.get(`${uri}/scans/1/resources/DICOM/files?format=json`)).rows();
      assert.equal(listed.length, 2);
      const one = await member.get(listed[0]!.URI!);
      assert.equal(one.status, 200);
      assert.equal(one.body.length, Number(listed[0]!.Size));
      assert.equal(one.body.toString('latin1', 128, 132), 'DICM');
      assert.equal((await outsider.get(listed[0]!.URI!)).status, 404);

      const rebuilt = await member.post(`/data/services/prearchive/rebuild?src=${src(uri)}&format=json`);
      assert.equal(rebuilt.status, 200, rebuilt.text);
      assert.equal(rebuilt.rows()[0]?.status, 'READY');
      // Moving needs rights in the destination.
      assert.equal((await member.post(`/data/services/prearchive/move?src=${src(uri)}&newProject=PB`)).status, 404);
      const moved = await t.admin.post(`/data/services/prearchive/move?src=${src(uri)}&newProject=PB&format=json`);
      assert.equal(moved.status, 200, moved.text);
      const movedRow = moved.rows()[0]!;
      assert.equal(movedRow.project, 'PB');
      assert.equal((await t.admin.get(`/data${movedRow.url}/scans?format=json`)).rows().length, 1);
      // Archive under other labels with PUT .../experiments/{label}?src=
      const put = await t.admin.put(`/data/projects/PB/subjects/NEWSUBJ/experiments/NEW_MR1?src=${src(movedRow.url!)}`);
      assert.equal(put.status, 200, put.text);
      assert.equal(put.text, '/archive/projects/PB/subjects/NEWSUBJ/experiments/NEW_MR1\r\n');
      assert.equal((await t.admin.get('/data/projects/PB/subjects/NEWSUBJ/experiments/NEW_MR1/scans?format=json')).rows().length, 1);

      const again = first((await upload(member, 'PROJECT_ID=PA', '1.9.2', { id: 'DEL_MR1' })).text);
      assert.equal((await collaborator.delete(again)).status, 403);
      assert.equal((await member.post(`/data/services/prearchive/delete?src=${src(again)}`)).status, 200);
      assert.equal((await member.get(again)).status, 404);
      const folder = path.join(t.dataDir, 'prearchive', again.replace('/data/prearchive/projects/', ''));
      await assert.rejects(fs.stat(folder), /ENOENT/);
    });

    test('labels come from parameters first, then the DICOM comment fields, then patient name and ID', async () => {
      const viaComments = await upload(t.admin, '', '1.9.10', { tags: { PatientComments: 'Project: PA Subject: C01 Session: C01_MR1' } });
      assert.equal(viaComments.status, 200, viaComments.text);
      assert.match(first(viaComments.text), /\/prearchive\/projects\/PA\/\d+_\d+\/C01_MR1$/);
      const row = (await t.admin.get(`${first(viaComments.text)}?format=json`)).rows()[0]!;
      assert.equal(row.subject, 'C01');
      const explicit = await upload(t.admin, 'PROJECT_ID=PB&SUBJECT_ID=X01&EXPT_LABEL=X01_MR1', '1.9.11', { tags: { PatientComments: 'Project: PA Subject: C01 Session: C01_MR1' } });
      assert.match(first(explicit.text), /\/prearchive\/projects\/PB\/\d+_\d+\/X01_MR1$/);
      const unrouted = await upload(t.admin, '', '1.9.12', { name: 'NOBODY', id: 'NOBODY_1' });
      assert.match(first(unrouted.text), /\/prearchive\/projects\/Unassigned\//);
      assert.equal((await member.get('/data/prearchive/projects/Unassigned?format=json')).status, 403);
      const archive = await t.admin.post(`/data/services/archive?src=${src(first(unrouted.text))}`);
      assert.equal(archive.status, 400);
      assert.match(archive.text, /Unassigned/);
      // A project the uploader cannot add to is not a routing target: the data lands in Unassigned.
      const foreign = await upload(member, '', '1.9.13', { tags: { PatientComments: 'Project: PB' } });
      assert.match(first(foreign.text), /\/prearchive\/projects\/Unassigned\//);
    });

    test('projects that forbid subject creation refuse to archive a new subject, and a session never changes subject', async () => {
      const res = await upload(t.admin, 'PROJECT_ID=NOSUBJ&SUBJECT_ID=S9&EXPT_LABEL=S9_MR1', '1.9.20');
      const refused = await t.admin.post(`/data/services/archive?src=${src(first(res.text))}`);
      assert.equal(refused.status, 403, refused.text);
      assert.match(refused.text, /does not let uploads create subjects/);
      assert.equal((await t.admin.get(`${first(res.text)}?format=json`)).rows()[0]?.status, 'CONFLICT');
      assert.equal((await t.admin.put('/data/projects/NOSUBJ/subjects/S9')).status, 201);
      const ok = await t.admin.post(`/data/services/archive?src=${src(first(res.text))}`);
      assert.equal(ok.status, 200, ok.text);
      // Same label and study under another subject.
      const other = await upload(t.admin, 'PROJECT_ID=NOSUBJ&SUBJECT_ID=S9b&EXPT_LABEL=S9_MR1', '1.9.20', {}, [{ number: 5, description: 'extra', instances: 1 }]);
      assert.equal((await t.admin.put('/data/projects/NOSUBJ/subjects/S9b')).status, 201);
      const moved = await t.admin.post(`/data/services/archive?src=${src(first(other.text))}&overwrite=append`);
      assert.equal(moved.status, 409, moved.text);
      assert.match(moved.text, /different subject/);
    });

    test('overwrite decides merges: none refuses, append adds, changed files need delete', async () => {
      const one = await writeDicomStudies([{ studyUid: '1.9.30', patientName: 'M01', patientId: 'M01_MR1', sopPrefix: '1.9.30.5', series: [{ number: 1, instances: 2, uid: '1.9.30.1' }] }]);
      const zipOf = async (dir: string, files: string[]) => makeZip(Object.fromEntries(await Promise.all(files.map(async (f) => [f, await fs.readFile(path.join(dir, f))] as const))));
      const base = await t.admin.post('/data/services/import?PROJECT_ID=PA&dest=/archive', { body: await zipOf(one.dir, one.files), headers: ZIP });
      assert.equal(base.status, 200, base.text);
      // The same instances regenerated: same UIDs, other pixel bytes.
      const two = await writeDicomStudies([{ studyUid: '1.9.30', patientName: 'M01', patientId: 'M01_MR1', sopPrefix: '1.9.30.5', series: [{ number: 1, instances: 3, uid: '1.9.30.1' }] }]);
      const zip = await zipOf(two.dir, two.files);
      const none = await t.admin.post('/data/services/import?PROJECT_ID=PA&dest=/archive', { body: zip, headers: ZIP });
      assert.equal(none.status, 409);
      assert.match(none.text, /already exists/);
      const waiting = (await t.admin.get('/data/prearchive/projects/PA?format=json')).rows().find((r) => r.name === 'M01_MR1')!;
      const append = await t.admin.post(`/data/services/archive?src=${src(waiting.url!)}&overwrite=append`);
      assert.equal(append.status, 409);
      assert.match(append.text, /content differs/);
      const files = async () => (await t.admin.get('/data/projects/PA/experiments/M01_MR1/scans/1/resources/DICOM/files?format=json')).rows();
      const before = await files();
      assert.equal(before.length, 2);
      const del = await t.admin.post(`/data/services/archive?src=${src(waiting.url!)}&overwrite=delete`);
      assert.equal(del.status, 200, del.text);
      const afterFiles = await files();
      assert.equal(afterFiles.length, 3);
      assert.notDeepEqual(afterFiles.map((f) => f.digest).sort(), before.map((f) => f.digest).sort());
      for (const d of [one.dir, two.dir]) await fs.rm(d, { recursive: true, force: true });
    });

    test('unsafe or broken archives are refused before anything is written', async () => {
      const count = async () => (await t.admin.get('/data/prearchive/projects?format=json')).rows().length;
      const before = await count();
      const slip = await t.admin.post('/data/services/import?PROJECT_ID=PA', { body: await makeZipSlip(), headers: ZIP });
      assert.equal(slip.status, 400);
      assert.match(slip.text, /unsafe path|relative path/i);
      const link = await t.admin.post('/data/services/import?PROJECT_ID=PA', { body: await makeTar({ 'a.dcm': 'x' }, { links: { 'b.dcm': '/etc/passwd' } }), headers: { 'content-type': 'application/x-tar' } });
      assert.equal(link.status, 400);
      assert.match(link.text, /link/);
      const bomb = await t.admin.post('/data/services/import?PROJECT_ID=PA', { body: await makeZip({ 'zeros.dcm': Buffer.alloc(40 * 1024 * 1024) }), headers: ZIP });
      assert.equal(bomb.status, 400);
      assert.match(bomb.text, /bomb/);
      const junk = await t.admin.post('/data/services/import?PROJECT_ID=PA', { body: Buffer.from('not an archive at all'), headers: ZIP });
      assert.equal(junk.status, 400);
      assert.equal((await t.admin.post('/data/services/import?PROJECT_ID=PA')).status, 400);
      assert.equal((await t.admin.post('/data/services/import?import-handler=nonsense&PROJECT_ID=PA', { body: 'x', headers: ZIP })).status, 404);
      assert.equal((await t.admin.post('/data/services/import?PROJECT_ID=NOPE', { body: await dicomZip([{ studyUid: '1.9.40', series: [{ number: 1, instances: 1 }] }]), headers: ZIP })).status, 404);
      const tgz = await t.admin.post('/data/services/import?PROJECT_ID=PA&overwrite=sometimes', { body: Buffer.from('x'), headers: ZIP });
      assert.equal(tgz.status, 400);
      assert.equal(await count(), before);
      const incoming = await fs.readdir(path.join(t.dataDir, 'prearchive', '.incoming'));
      assert.deepEqual(incoming, []);
    });

    test('single instances (gradual-DICOM) gather in a RECEIVING session that commit builds and archives', async () => {
      const { dir, files } = await writeDicomStudies([{ studyUid: '1.9.50', patientName: 'G01', patientId: 'G01_MR1', series: [{ number: 1, instances: 2 }, { number: 1, instances: 1, description: 'same number' }] }]);
      let uri = '';
      for (const f of files) {
        const res = await t.admin.post('/data/services/import?import-handler=gradual-DICOM&PROJECT_ID=PA', { body: await fs.readFile(path.join(dir, f)), headers: { 'content-type': 'application/dicom' } });
        assert.equal(res.status, 200, res.text);
        uri = first(res.text);
      }
      assert.equal((await t.admin.get(`${uri}?format=json`)).rows()[0]?.status, 'RECEIVING');
      const notDicom = await t.admin.post('/data/services/import?import-handler=gradual-DICOM&PROJECT_ID=PA', { body: Buffer.from('plain text'), headers: { 'content-type': 'application/dicom' } });
      assert.equal(notDicom.status, 400);
      const built = await t.admin.post(`${uri}?action=build`);
      assert.equal(built.status, 200, built.text);
      const scans = (await t.admin.get(`${uri}/scans?format=json`)).rows();
      assert.deepEqual(scans.map((s) => [s.ID, s.file_count]).sort(), [['1', '2'], ['1-2', '1']]);
      assert.equal((await t.admin.put('/data/projects/PA/prearchive_code/4')).status, 200);
      const commit = await t.admin.post(`${uri}?action=commit`);
      assert.equal(commit.status, 301);
      assert.equal(commit.headers.location, undefined);
      assert.equal(commit.text, '/data/archive/projects/PA/subjects/G01/experiments/G01_MR1');
      assert.equal((await t.admin.put('/data/projects/PA/prearchive_code/0')).status, 200);
      await fs.rm(dir, { recursive: true, force: true });
    });

    test('bad requests to the import service and the prearchive are refused clearly, leaving what is stored as it was', async () => {
      const zip = await dicomZip([{ studyUid: '1.9.60', patientName: 'R01', patientId: 'R01_MR1', series: [{ number: 1, instances: 1 }] }]);
      const boundary = 'xnat-ts-boundary';
      const part = (name: string) => Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/zip\r\n\r\n`), zip, Buffer.from('\r\n')]);
      const two = await t.admin.post('/data/services/import?PROJECT_ID=PA', {
        body: Buffer.concat([part('a.zip'), part('b.zip'), Buffer.from(`--${boundary}--\r\n`)]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      });
      assert.equal(two.status, 400);
      assert.match(two.text, /one uploaded resource at a time/);
      const dest = await t.admin.post('/data/services/import?PROJECT_ID=PA&dest=/elsewhere', { body: zip, headers: ZIP });
      assert.equal(dest.status, 400);
      assert.match(dest.text, /Unknown dest '\/elsewhere'/);
      assert.equal((await t.admin.get('/data/prearchive/projects?format=json')).rows().filter((r) => r.name === 'R01_MR1').length, 0);

      const uri = first((await upload(t.admin, 'PROJECT_ID=PA', '1.9.61', { id: 'R02_MR1' })).text);
      const action = await t.admin.post(`${uri}?action=explode`);
      assert.equal(action.status, 400);
      assert.match(action.text, /Unknown action 'explode'/);
      const missing = await t.admin.post(`/data/services/archive?src=${src(uri.replace(/\/R02_MR1$/, '/NOPE'))}`);
      assert.equal(missing.status, 404);
      assert.equal((await t.admin.get('/data/prearchive/elsewhere')).status, 404);
      const wrongProject = await t.admin.put(`/data/projects/PB/subjects/X/experiments/R02_MR1?src=${src(uri)}`);
      assert.equal(wrongProject.status, 400);
      assert.match(wrongProject.text, /belongs to project PA; move it to PB first/);
      assert.equal((await t.admin.post(`/data/services/prearchive/move?src=${src(uri)}`)).status, 400);
      assert.equal((await t.admin.post('/data/services/prearchive/rebuild')).status, 400);
      // Still there, untouched.
      assert.equal((await t.admin.get(`${uri}?format=json`)).rows()[0]?.status, 'READY');
      assert.equal((await t.admin.get(`${uri}/scans?format=json`)).rows()[0]?.file_count, '2');
    });

    test('two archives of one session at once: one archives it, the other is refused, and the files are archived once', async () => {
      const uri = first((await upload(t.admin, 'PROJECT_ID=PA', '1.9.70', { name: 'C01', id: 'C01_MR1' })).text);
      const [a, b] = await Promise.all([t.admin.post(`/data/services/archive?src=${src(uri)}`), t.admin.post(`/data/services/archive?src=${src(uri)}`)]);
      const statuses = [a.status, b.status].sort();
      assert.equal(statuses[0], 200, `${a.text} ${b.text}`);
      assert.ok([404, 409].includes(statuses[1]!), `${a.status} ${a.text} / ${b.status} ${b.text}`);
      const refused = a.status === 200 ? b : a;
      assert.match(refused.text, /in progress|no longer exists|No prearchive session/);
      assert.equal((await t.admin.get('/data/projects/PA/experiments/C01_MR1/scans/1/resources/DICOM/files?format=json')).rows().length, 2);
    });
  });
}
