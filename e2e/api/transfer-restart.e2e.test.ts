import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { createPostgresDatabase, testDialects } from '../../server/test/support/dialects.js';
import { waitFor } from '../../server/test/support/wait-for.js';
import { basicAuth, E2E_ADMIN, startServer, type RunningTestServer } from '../support/start-server.js';

const auth = basicAuth(E2E_ADMIN.login, E2E_ADMIN.password);

for (const dialect of testDialects()) {
  describe(`a transfer survives a crash of the server (${dialect})`, () => {
    const cleanups: (() => Promise<unknown>)[] = [];
    after(async () => {
      for (const c of cleanups.reverse()) await c();
    });

    it('is resumed by the next server once its lease runs out, and verifies', async () => {
      const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'xnat-ts-e2e-crash-'));
      cleanups.push(() => fs.rm(dataDir, { recursive: true, force: true }));
      let dbUrl: string | undefined;
      if (dialect === 'postgres') {
        const pg = await createPostgresDatabase();
        dbUrl = pg.url;
        cleanups.push(pg.drop);
      }
      // Byte copies under a small disk budget keep the transfer running long enough to be killed in the middle.
      const env = {
        XNAT_TS_JOBS_LEASE_SECONDS: '2', XNAT_TS_JOBS_POLL_MILLIS: '200', XNAT_TS_TRANSFER_HARD_LINKS: 'false', XNAT_TS_TRANSFER_MAX_BYTES_PER_SECOND: String(256 * 1024),
      };
      const first = await startServer({ dataDir, dbUrl, env });
      cleanups.push(() => first.stop());
      const call = (server: RunningTestServer, method: string, url: string, body?: string | Buffer, type?: string) =>
        fetch(`${server.url}${url}`, { method, headers: { ...auth, ...(type && { 'content-type': type }) }, body });

      for (const p of ['SRC', 'DST']) assert.equal((await call(first, 'PUT', `/data/projects/${p}`)).status, 200);
      const chunk = Buffer.alloc(64 * 1024, 3);
      for (const s of ['A', 'B', 'C', 'D']) {
        assert.equal((await call(first, 'PUT', `/data/projects/SRC/subjects/S${s}/experiments/MR${s}?xsiType=xnat:mrSessionData`)).status, 201);
        for (let i = 0; i < 4; i++) {
          const res = await call(first, 'PUT', `/data/projects/SRC/experiments/MR${s}/resources/RAW/files/${i}.bin`, chunk, 'application/octet-stream');
          assert.equal(res.status, 200);
        }
      }
      const started = await call(first, 'POST', '/xapi/transfers', JSON.stringify({ source: 'SRC', destination: 'DST', all: true }), 'application/json');
      assert.equal(started.status, 202, await started.clone().text());
      const id = ((await started.json()) as { transfer: { id: string } }).transfer.id;
      const transfer = async (server: RunningTestServer) => ((await (await call(server, 'GET', `/xapi/transfers/${id}`)).json()) as { transfer: any }).transfer;
      await waitFor(async () => (await transfer(first)).progress.experimentsDone >= 1 || undefined, { what: 'the first session', timeoutMs: 30_000 });

      first.process.kill('SIGKILL');
      await new Promise((resolve) => first.process.once('exit', resolve));

      const second = await startServer({ dataDir, dbUrl, env });
      cleanups.push(() => second.stop());
      const seen = await transfer(second);
      assert.equal(seen.state, 'running', 'the new server took the job over (the dead one never handed it back)');
      assert.equal(seen.report, null);
      const done = await waitFor(async () => {
        const t = await transfer(second);
        return ['succeeded', 'failed', 'cancelled'].includes(t.state) ? t : undefined;
      }, { what: 'the resumed transfer to finish', timeoutMs: 60_000 });
      assert.equal(done.state, 'succeeded', JSON.stringify(done.report));
      assert.equal(done.report.verification.passed, true);
      assert.deepEqual(done.report.verification.found, { subjects: 4, experiments: 4, scans: 0, resources: 4, files: 16, bytes: 16 * chunk.length });
      const listing = (await (await call(second, 'GET', '/data/projects/DST/experiments?format=json')).json()) as { ResultSet: { Result: { label: string }[] } };
      assert.deepEqual(listing.ResultSet.Result.map((r) => r.label).sort(), ['MRA', 'MRB', 'MRC', 'MRD']);
      const events = ((await (await call(second, 'GET', '/xapi/activity?project=DST&limit=200')).json()) as { events: any[] }).events;
      const copies = events.filter((e) => e.action === 'copy' && e.entityType === 'experiment' && e.details.transfer === id).map((e) => e.label).sort();
      assert.deepEqual(copies, ['MRA', 'MRB', 'MRC', 'MRD'], 'no session was copied twice');
      const orphans = await fs.readdir(path.join(dataDir, 'archive/DST/arc001'));
      assert.deepEqual(orphans.sort(), ['MRA', 'MRB', 'MRC', 'MRD'], 'no half-copied folder left behind');
      for (const s of ['MRA', 'MRB', 'MRC', 'MRD']) assert.deepEqual(await fs.readdir(path.join(dataDir, `archive/DST/arc001/${s}/RESOURCES`)), ['RAW']);
    });
  });
}
