import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { ApiClient } from '../support/api-client.js';
import { hasEndOfCentralDirectory } from '../support/archives.js';
import { makeProject, makeScan, makeSession, makeSubject } from '../support/builders.js';
import { testDialects } from '../support/dialects.js';
import { buildTestApp, type TestApp } from '../support/test-app.js';

const SESSION = '/data/projects/ALPHA/subjects/S1/experiments/MR1';
/** Large enough that the third file is still unread while the client holds back after the first chunk. */
const FILE_BYTES = 12 * 1024 * 1024;

for (const dialect of testDialects()) {
  describe(`a download that fails mid-stream (${dialect})`, () => {
    let t: TestApp;
    let owner: ApiClient;
    let base: string;
    before(async () => {
      t = await buildTestApp(dialect);
      owner = await t.user('olivia');
      await makeProject(owner, 'ALPHA');
      await makeSubject(owner, 'ALPHA', 'S1');
      await makeSession(owner, 'ALPHA', 'S1', 'MR1');
      await makeScan(owner, 'ALPHA', 'S1', 'MR1', '1', { type: 'T1w' });
      for (const name of ['a.dcm', 'b.dcm', 'c.dcm']) {
        assert.equal((await owner.upload(`${SESSION}/scans/1/resources/DICOM/files/${name}`, crypto.randomBytes(FILE_BYTES))).status, 200);
      }
      base = await t.app.http.listen({ host: '127.0.0.1', port: 0 });
    });
    after(() => t.close());

    it('is cut off before the zip\'s central directory, so the client can tell it is incomplete', async () => {
      const headers = { authorization: `Basic ${Buffer.from('olivia:olivia-password-1').toString('base64')}` };
      const res = await fetch(`${base}${SESSION}/scans/ALL/files?format=zip`, { headers });
      assert.equal(res.status, 200);
      const announced = Number(res.headers.get('content-length'));
      assert.ok(announced > 3 * FILE_BYTES);
      const reader = (res.body as ReadableStream<Uint8Array>).getReader();
      const received: Buffer[] = [Buffer.from((await reader.read()).value ?? [])];
      // The first file is streaming; the last one disappears before its turn comes.
      await fs.rm(t.app.store.absolute('ALPHA/arc001/MR1/SCANS/1/DICOM/c.dcm'));
      let failure: unknown;
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          received.push(Buffer.from(value));
        }
      } catch (e) {
        failure = e;
      }
      const zip = Buffer.concat(received);
      assert.ok(failure, 'reading the body fails instead of ending normally');
      assert.ok(zip.length < announced, `${zip.length} bytes of ${announced}`);
      assert.ok(zip.length >= 2 * FILE_BYTES, 'the files before the missing one were sent');
      assert.equal(hasEndOfCentralDirectory(zip), false);
      const after = await fetch(`${base}/data/projects/ALPHA?format=json`, { headers });
      assert.equal(after.status, 200, 'the server carries on');
    });
  });
}
