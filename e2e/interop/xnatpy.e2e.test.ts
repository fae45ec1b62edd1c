import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testDialects } from '../../server/test/support/dialects.js';
import { E2E_ADMIN, startServer, type RunningTestServer } from '../support/start-server.js';
import { missingPython, runClientScript, type ClientRun } from './python-client.js';

/**
 * xnatpy is not packaged in Debian: point XNATPY_SRC at an xnatpy source tree (the folder holding
 * the `xnat` package) to run this; its dependencies (requests, isodate, progressbar2, dateutil) come
 * from apt. Without XNATPY_SRC the suite is skipped with the reason.
 */
const REQUIRED = [
  'connect', 'create project', 'create subject', 'create MR session', 'create scan', 'create resource', 'upload files',
  'upload directory (tar.gz, extract)', 'list', 'download files', 'delete file', 'delete resource', 'delete scan',
  'delete experiment', 'delete subject', 'delete project', 'disconnect',
];

const source = process.env.XNATPY_SRC;
const env: Record<string, string> = source ? { PYTHONPATH: source } : {};
const skip = !source
  ? 'XNATPY_SRC is not set: point it at an xnatpy source tree to run the xnatpy interop test'
  : await missingPython(['xnat', 'pydicom'], env);

for (const dialect of testDialects()) {
  describe(`xnatpy against the spawned server (${dialect})`, { skip }, () => {
    let server: RunningTestServer;
    let run: ClientRun;
    before(async () => {
      server = await startServer({ dialect });
      run = await runClientScript('xnatpy_roundtrip.py', [server.url, E2E_ADMIN.login, E2E_ADMIN.password], env);
    });
    after(() => server?.stop());

    it('runs every step of the round trip with the real client', () => {
      assert.equal(run.code, 0, run.output);
      assert.deepEqual(run.passed.filter((s) => REQUIRED.includes(s)), REQUIRED, run.output);
      assert.ok(run.passed.includes('download zip') || /\(501\)$/.test(run.skipped.get('download zip') ?? ''), run.output);
    });
  });
}
