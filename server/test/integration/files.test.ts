import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { testDialects } from '../support/dialects.js';
import { buildTestApp, type TestApp } from '../support/test-app.js';
import { addMember, makeProject, makeScan, makeSession, makeSubject } from '../support/builders.js';
import { makeTar, makeZip, makeZipSlip } from '../support/archives.js';
import type { ApiClient } from '../support/api-client.js';

const md5 = (b: Buffer | string) => crypto.createHash('md5').update(b).digest('hex');

for (const dialect of testDialects()) {
  describe(`resources and files (${dialect})`, () => {
    let t: TestApp;
    let owner: ApiClient;
    let collaborator: ApiClient;
    let sessionId: string;
    const scanBase = '/data/projects/P1/subjects/S01/experiments/MR1/scans/1';
    before(async () => {
      t = await buildTestApp(dialect, { 'http.maxUploadBytes': 1024 * 1024 });
      owner = await t.user('ozzy');
      collaborator = await t.user('cleo');
      await makeProject(owner, 'P1');
      await addMember(owner, 'P1', 'collaborator', 'cleo');
      await makeSubject(owner, 'P1', 'S01');
      sessionId = await makeSession(owner, 'P1', 'S01', 'MR1');
      await makeScan(owner, 'P1', 'S01', 'MR1', '1', { type: 'T1w' });
    });
    after(() => t.close());

    it('creates an empty resource; a second create is 409', async () => {
      assert.equal((await owner.put(`${scanBase}/resources/DICOM`, { query: { format: 'DICOM', content: 'T1_RAW' } })).status, 200);
      const again = await owner.put(`${scanBase}/resources/DICOM`);
      assert.equal(again.status, 409);
      assert.match(again.text, /already exists/);
    });

    it('uploads a raw body like xnatpy (PUT, octet-stream) and stores it where the layout says', async () => {
      const content = crypto.randomBytes(5000);
      const res = await owner.upload(`${scanBase}/resources/DICOM/files/1.dcm`, content, { format: 'DICOM', content: 'T1_RAW' });
      assert.equal(res.status, 200, res.text);
      const onDisk = await fs.readFile(path.join(t.dataDir, 'archive/P1/arc001/MR1/SCANS/1/DICOM/1.dcm'));
      assert.ok(onDisk.equals(content));
      const catalog = await fs.readFile(path.join(t.dataDir, 'archive/P1/arc001/MR1/SCANS/1/DICOM/DICOM_catalog.xml'), 'utf8');
      assert.match(catalog, new RegExp(`<cat:entry ID="1.dcm" URI="1.dcm" name="1.dcm" digest="${md5(content)}" format="DICOM"`));
      assert.match(catalog, /<cat:metaField name="size_in_bytes">5000<\/cat:metaField>/);
    });

    it('uploads like pyxnat (POST, no Content-Type, inbody=true) and creates the resource on the fly', async () => {
      const res = await owner.post(`${scanBase}/resources/SNAPSHOTS/files/thumb.png?inbody=true&format=U&content=U&tags=U&overwrite=false`, { body: 'PNGDATA' });
      assert.equal(res.status, 200, res.text);
      const resources = (await owner.get(`${scanBase}/resources?format=json`)).json().ResultSet;
      assert.equal(resources.totalRecords, '2');
      assert.equal(resources.title, 'Resources');
      const snap = resources.Result.find((r: Record<string, string>) => r.label === 'SNAPSHOTS');
      assert.deepEqual({ ...snap, xnat_abstractresource_id: 'n' }, {
        xnat_abstractresource_id: 'n', label: 'SNAPSHOTS', element_name: 'xnat:resourceCatalog', category: 'scans', cat_id: '1', cat_desc: 'T1w',
        file_count: '1', file_size: '7', tags: '', content: '', format: '',
      });
    });

    it('uploads multipart form data, one file per part', async () => {
      const boundary = 'XBOUNDARYX';
      const body = [
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nAAA\r\n`,
        `--${boundary}\r\nContent-Disposition: form-data; name="file2"; filename="b.txt"\r\nContent-Type: text/plain\r\n\r\nBBBB\r\n`,
        `--${boundary}--\r\n`,
      ].join('');
      const res = await owner.post('/data/projects/P1/resources/DOCS/files', { body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
      assert.equal(res.status, 200, res.text);
      const rows = (await owner.get('/data/projects/P1/resources/DOCS/files?format=json')).rows();
      assert.deepEqual(rows.map((r) => [r.Name, r.Size]), [['a.txt', '3'], ['b.txt', '4']]);
    });

    it('lists files with XNAT columns, serverRoot and no totalRecords; addressable by numeric resource id', async () => {
      const body = (await owner.get(`${scanBase}/resources/DICOM/files?format=json`)).json();
      assert.deepEqual(body.ResultSet.Columns, [{ key: 'URI', serverRoot: '' }]);
      assert.equal(body.ResultSet.title, 'Files');
      assert.equal(body.ResultSet.totalRecords, undefined);
      const row = body.ResultSet.Result[0];
      assert.deepEqual(Object.keys(row).sort(), ['Name', 'Size', 'URI', 'collection', 'file_tags', 'file_format', 'file_content', 'cat_ID', 'digest'].sort());
      assert.equal(row.URI, `/data/experiments/${sessionId}/scans/1/resources/${row.cat_ID}/files/1.dcm`);
      assert.equal(row.collection, 'DICOM');
      assert.equal(row.file_format, 'DICOM');
      assert.equal(row.file_content, 'T1_RAW');
      assert.match(row.digest, /^[0-9a-f]{32}$/);
      const byId = await owner.get(`${scanBase}/resources/${row.cat_ID}/files?format=json`);
      assert.equal(byId.rows().length, 1);
      const all = (await owner.get(`/data/experiments/${sessionId}/scans/ALL/files?format=json`)).rows();
      assert.deepEqual(all.map((r) => r.Name).sort(), ['1.dcm', 'thumb.png']);
      const byType = (await owner.get(`/data/experiments/${sessionId}/scans/T1w/resources/DICOM/files?format=json`)).rows();
      assert.equal(byType.length, 1);
      const sessionFiles = (await owner.get(`/data/experiments/${sessionId}/files?format=json`)).rows();
      assert.equal(sessionFiles.length, 2, 'the session file short-cut includes its scans');
      const filtered = (await owner.get(`/data/experiments/${sessionId}/scans/ALL/files?format=json&file_format=DICOM`)).rows();
      assert.equal(filtered.length, 1);
      const scanStats = (await owner.get(`/data/experiments/${sessionId}/scans?format=json&columns=ID,file_count,file_size`)).rows();
      assert.deepEqual(scanStats.map((r) => [r.ID, r.file_count, r.file_size]), [['1', '2', String(5000 + 7)]]);
    });

    it('downloads the exact bytes from the listed URI, with ETag, HEAD and ranges', async () => {
      const row = (await owner.get(`${scanBase}/resources/DICOM/files?format=json`)).rows()[0]!;
      const res = await owner.get(row.URI!);
      assert.equal(res.status, 200);
      assert.equal(md5(res.body), row.digest);
      assert.equal(res.headers.etag, `"${row.digest}"`);
      assert.equal(res.headers['content-type'], 'application/dicom');
      assert.match(String(res.headers['content-disposition']), /attachment; filename="1.dcm"/);
      const head = await owner.request('HEAD', row.URI!);
      assert.equal(head.status, 200);
      assert.equal(head.headers['content-length'], '5000');
      const part = await owner.get(row.URI!, { headers: { range: 'bytes=100-199' } });
      assert.equal(part.status, 206);
      assert.equal(part.body.length, 100);
      assert.ok(part.body.equals(res.body.subarray(100, 200)));
      assert.equal(part.headers['content-range'], 'bytes 100-199/5000');
      const suffix = await owner.get(row.URI!, { headers: { range: 'bytes=-10' } });
      assert.ok(suffix.body.equals(res.body.subarray(4990)));
      assert.equal((await owner.get(row.URI!, { headers: { range: 'bytes=6000-' } })).status, 416);
      assert.equal((await owner.get(row.URI!, { headers: { 'if-none-match': `"${row.digest}"` } })).status, 304);
    });

    it('refuses duplicates without overwrite (409, nothing changed) and replaces with overwrite=true', async () => {
      const url = `${scanBase}/resources/DICOM/files/1.dcm`;
      const before = (await owner.get(url)).body;
      const dup = await owner.upload(url, 'new content');
      assert.equal(dup.status, 409);
      assert.match(dup.text, /already exists: 1\.dcm.*overwrite=true/);
      assert.ok((await owner.get(url)).body.equals(before));
      assert.equal((await owner.upload(url, 'new content', { overwrite: 'true' })).status, 200);
      assert.equal((await owner.get(url)).text, 'new content');
      const stats = (await owner.get(`${scanBase}/resources?format=json`)).rows().find((r) => r.label === 'DICOM');
      assert.equal(stats?.file_size, String('new content'.length));
    });

    it('extracts zip, tar and tar.gz uploads into the resource', async () => {
      const zip = await makeZip({ 'dir/a.txt': 'a', 'dir/sub/b.txt': 'bb', '__MACOSX/._x': 'junk' });
      const res = await owner.upload('/data/projects/P1/subjects/S01/resources/ZIPPED/files/upload.zip', zip, { extract: 'true' });
      assert.equal(res.status, 200, res.text);
      const names = (await owner.get('/data/projects/P1/subjects/S01/resources/ZIPPED/files?format=json&columns=Name,URI')).rows().map((r) => r.URI!.split('/files/')[1]);
      assert.deepEqual(names, ['dir/a.txt', 'dir/sub/b.txt']);
      const tgz = await makeTar({ './x/1.txt': '1', 'x/2.txt': '22' }, { gzip: true });
      assert.equal((await owner.upload('/data/projects/P1/subjects/S01/resources/TGZ/files/upload.tar.gz', tgz, { extract: 'true' })).status, 200);
      const tarred = await makeTar({ 'y.txt': 'y' });
      assert.equal((await owner.upload('/data/projects/P1/subjects/S01/resources/TGZ/files/more.tar', tarred, { extract: 'true' })).status, 200);
      assert.equal((await owner.get('/data/projects/P1/subjects/S01/resources/TGZ/files?format=json')).rows().length, 3);
      const again = await owner.upload('/data/projects/P1/subjects/S01/resources/ZIPPED/files/upload.zip', zip, { extract: 'true' });
      assert.equal(again.status, 409, 'extracting over existing files needs overwrite');
    });

    it('refuses zip-slip, links, bombs and non-archives before writing anything', async () => {
      const url = '/data/projects/P1/resources/EVIL/files/x.zip';
      const slip = await owner.upload(url, await makeZipSlip(), { extract: 'true' });
      assert.equal(slip.status, 400);
      assert.match(slip.text, /unsafe path/);
      const link = await owner.upload(url, await makeZip({ 'l': '/etc/passwd' }, { modes: { l: 0o120777 } }), { extract: 'true' });
      assert.equal(link.status, 400);
      assert.match(link.text, /link/);
      const tarLink = await owner.upload(url, await makeTar({ 'ok.txt': 'x' }, { links: { evil: '/etc/passwd' } }), { extract: 'true' });
      assert.equal(tarLink.status, 400);
      const bomb = await owner.upload(url, await makeZip({ 'zeros.bin': Buffer.alloc(900 * 1024 * 1024 > 0 ? 20 * 1024 * 1024 : 0) }), { extract: 'true' });
      assert.equal(bomb.status, 400);
      assert.match(bomb.text, /expands \d+:1/);
      const notArchive = await owner.upload(url, 'plain text', { extract: 'true' });
      assert.equal(notArchive.status, 415);
      const files = (await owner.get('/data/projects/P1/resources/EVIL/files?format=json')).rows();
      assert.deepEqual(files, []);
      await assert.rejects(fs.access(path.join(t.dataDir, 'archive/P1/evil.txt')));
      await assert.rejects(fs.access(path.join(t.dataDir, 'archive/P1/resources/evil.txt')));
    });

    it('refuses path traversal, absolute paths and the catalog name in file paths', async () => {
      for (const bad of ['..%2Fescape.txt', '%2Fetc%2Fx', 'a%5C..%5C..%5Cb', 'x%00y']) {
        const res = await owner.upload(`/data/projects/P1/resources/DOCS/files/${bad}`, 'x');
        assert.equal(res.status, 400, `path ${bad}: ${res.text}`);
      }
      // URL parsers fold '..' segments away, so send these over a socket exactly as written (curl --path-as-is).
      await t.app.http.listen({ host: '127.0.0.1', port: 0 });
      const port = (t.app.http.server.address() as { port: number }).port;
      for (const bad of ['..', 'a/../../b', '%2E%2E/x']) {
        const status = await new Promise<number>((resolve, reject) => {
          const req = http.request({ host: '127.0.0.1', port, method: 'PUT', path: `/data/projects/P1/resources/DOCS/files/${bad}`,
            headers: { authorization: `Basic ${Buffer.from('ozzy:ozzy-password-1').toString('base64')}`, 'content-type': 'application/octet-stream' } }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          });
          req.on('error', reject);
          req.end('x');
        });
        assert.equal(status, 400, `raw path ${bad}`);
      }
      const catalog = await owner.upload('/data/projects/P1/resources/DOCS/files/DOCS_catalog.xml', 'x');
      assert.equal(catalog.status, 400);
      assert.match(catalog.text, /reserved/);
    });

    it('refuses uploads over the size limit (413) and keeps no partial file', async () => {
      const res = await owner.upload('/data/projects/P1/resources/BIG/files/big.bin', Buffer.alloc(2 * 1024 * 1024));
      assert.equal(res.status, 413);
      assert.deepEqual((await owner.get('/data/projects/P1/resources/BIG/files?format=json')).rows(), []);
      const staging = await fs.readdir(path.join(t.dataDir, 'archive/.staging'));
      assert.deepEqual(staging, []);
    });

    it('refuses an empty body with a hint, and writes from collaborators', async () => {
      const empty = await owner.put('/data/projects/P1/resources/DOCS/files/empty.txt');
      assert.equal(empty.status, 400);
      assert.match(empty.text, /inbody=true/);
      assert.equal((await collaborator.upload('/data/projects/P1/resources/DOCS/files/c.txt', 'c')).status, 403);
      assert.equal((await collaborator.get('/data/projects/P1/resources/DOCS/files/a.txt')).text, 'AAA');
    });

    it('returns the catalog XML for a resource', async () => {
      const res = await owner.get(`${scanBase}/resources/DICOM?format=json`);
      assert.equal(res.status, 200);
      assert.ok(res.text.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<cat:Catalog'));
      assert.equal((await owner.get(`${scanBase}/resources/DICOM/bogus`)).status, 400, 'catalog-level URLs take no other sub-path');
    });

    it('reports a file missing on disk as a server error naming it', async () => {
      await owner.upload('/data/projects/P1/resources/DOCS/files/gone.txt', 'soon gone');
      await fs.rm(path.join(t.dataDir, 'archive/P1/resources/DOCS/gone.txt'));
      const res = await owner.get('/data/projects/P1/resources/DOCS/files/gone.txt');
      assert.equal(res.status, 500);
      assert.match(res.text, /gone\.txt.*missing/);
    });

    it('deletes files, folders and resources; unknown ones are 404', async () => {
      const base = '/data/projects/P1/subjects/S01/resources/ZIPPED/files';
      assert.equal((await collaborator.delete(`${base}/dir/a.txt`)).status, 403);
      assert.equal((await owner.delete(`${base}/dir/a.txt`)).status, 200);
      assert.equal((await owner.delete(`${base}/dir/a.txt`)).status, 404);
      assert.equal((await owner.delete(`${base}/dir/`)).status, 200);
      assert.deepEqual((await owner.get(`${base}?format=json`)).rows(), []);
      await assert.rejects(fs.access(path.join(t.dataDir, 'archive/P1/subjects/S01/resources/ZIPPED/dir/sub/b.txt')));
      assert.equal((await owner.delete('/data/projects/P1/subjects/S01/resources/TGZ')).status, 200);
      assert.equal((await owner.get('/data/projects/P1/subjects/S01/resources/TGZ')).status, 404);
      await assert.rejects(fs.access(path.join(t.dataDir, 'archive/P1/subjects/S01/resources/TGZ')));
    });

    it('gives a recreated resource a fresh folder when the old one still holds files', async () => {
      await owner.upload('/data/projects/P1/resources/KEEP/files/k.txt', 'keep me');
      assert.equal((await owner.delete('/data/projects/P1/resources/KEEP?removeFiles=false')).status, 200);
      await owner.upload('/data/projects/P1/resources/KEEP/files/k.txt', 'new');
      assert.equal(await fs.readFile(path.join(t.dataDir, 'archive/P1/resources/KEEP/k.txt'), 'utf8'), 'keep me');
      assert.equal(await fs.readFile(path.join(t.dataDir, 'archive/P1/resources/KEEP~2/k.txt'), 'utf8'), 'new');
    });

    it('keeps counts and the catalog exact under concurrent uploads into a new resource', async () => {
      const results = await Promise.all(Array.from({ length: 12 }, (_, i) => owner.upload(`/data/projects/P1/resources/PARALLEL/files/f${i}.txt`, `content ${i}`)));
      assert.deepEqual(results.map((r) => r.status), Array(12).fill(200));
      const row = (await owner.get('/data/projects/P1/resources?format=json')).rows().find((r) => r.label === 'PARALLEL');
      assert.equal(row?.file_count, '12');
      const catalog = await fs.readFile(path.join(t.dataDir, 'archive/P1/resources/PARALLEL/PARALLEL_catalog.xml'), 'utf8');
      assert.equal(catalog.match(/<cat:entry /g)?.length, 12);
    });

    it('refuses XML bodies larger than the body limit', async () => {
      const small = await buildTestApp(dialect, { 'http.maxBodyBytes': 1024 });
      try {
        const doc = `<xnat:Project ID="BIG" xmlns:xnat="http://nrg.wustl.edu/xnat"><xnat:description>${'x'.repeat(4096)}</xnat:description></xnat:Project>`;
        const res = await small.admin.put('/data/projects/BIG', { body: doc, headers: { 'content-type': 'text/xml' } });
        assert.equal(res.status, 413);
        assert.equal((await small.admin.get('/data/projects/BIG')).status, 404);
      } finally {
        await small.close();
      }
    });

    it('has resources at session and assessor level', async () => {
      assert.equal((await owner.upload(`/data/experiments/${sessionId}/resources/NOTES/files/n.txt`, 'n')).status, 200);
      assert.ok(await fs.stat(path.join(t.dataDir, 'archive/P1/arc001/MR1/RESOURCES/NOTES/n.txt')));
      await owner.put('/data/projects/P1/subjects/S01/experiments/MR1/assessors/QC1', { query: { xsiType: 'xnat:qcAssessmentData' } });
      assert.equal((await owner.upload('/data/projects/P1/subjects/S01/experiments/MR1/assessors/QC1/out/resources/PDF/files/r.pdf', '%PDF')).status, 200);
      assert.ok(await fs.stat(path.join(t.dataDir, 'archive/P1/arc001/MR1/ASSESSORS/QC1/PDF/r.pdf')));
      const rows = (await owner.get('/data/projects/P1/subjects/S01/experiments/MR1/assessors/QC1/resources?format=json')).rows();
      assert.deepEqual(rows.map((r) => [r.label, r.category]), [['PDF', 'assessors']]);
    });

    it('refuses a session resource through a wrong catalog path and unknown sub-resources', async () => {
      assert.equal((await owner.get(`/data/experiments/${sessionId}/bogus`)).status, 400);
      assert.equal((await owner.get(`/data/experiments/${sessionId}/reconstructions`)).status, 501);
    });
  });
}
