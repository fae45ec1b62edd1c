import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { testDialects } from '../../server/test/support/dialects.js';
import { basicAuth, E2E_ADMIN, startServer, type RunningTestServer } from '../support/start-server.js';
import { missingPython, runClientScript, type ClientRun } from './python-client.js';

/** What pyxnat users do, in order; each must pass (pyxnat_roundtrip.py reports them). */
const REQUIRED = [
  'connect', 'create project', 'create subject', 'create MR session', 'create scan', 'create resource', 'upload files',
  'upload zip with extract', 'list with columns', 'download files', 'delete file', 'delete resource', 'delete scan',
  'delete experiment', 'delete subject', 'delete removes shared copies', 'delete project', 'disconnect',
];
/** Steps that need features other areas provide; skipped only when the server answers 501 for them. */
const OPTIONAL = ['download resource zip'];

const missing = await missingPython(['pyxnat', 'pydicom']);

for (const dialect of testDialects()) {
  describe(`pyxnat against the spawned server (${dialect})`, { skip: missing }, () => {
    let server: RunningTestServer;
    let run: ClientRun;
    before(async () => {
      server = await startServer({ dialect });
      run = await runClientScript('pyxnat_roundtrip.py', [server.url, E2E_ADMIN.login, E2E_ADMIN.password]);
    });
    after(() => server?.stop());

    it('runs every step of the round trip with the real client', () => {
      assert.equal(run.code, 0, run.output);
      assert.deepEqual(run.passed.filter((s) => REQUIRED.includes(s)), REQUIRED, run.output);
      for (const step of OPTIONAL) {
        const reason = run.skipped.get(step);
        assert.ok(run.passed.includes(step) || /\(501\)$/.test(reason ?? ''), `${step}: neither passed nor skipped for a 501\n${run.output}`);
      }
    });

    it('leaves neither rows nor files behind after the deletes', async () => {
      const auth = basicAuth(E2E_ADMIN.login, E2E_ADMIN.password);
      const projects = await (await fetch(`${server.url}/data/projects?format=json`, { headers: auth })).json() as { ResultSet: { Result: { ID: string }[] } };
      assert.deepEqual(projects.ResultSet.Result.filter((p) => p.ID.startsWith('PYX_IO')), []);
      const experiments = await (await fetch(`${server.url}/data/experiments?format=json`, { headers: auth })).json() as { ResultSet: { Result: unknown[] } };
      assert.deepEqual(experiments.ResultSet.Result, []);
      assert.equal(fs.existsSync(path.join(server.dataDir, 'archive', 'PYX_IO')), false);
    });
  });
}
