import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createDb, type Database } from '../../src/db/create-db.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { JobQueue } from '../../src/jobs/job-queue.js';
import { JobRegistry } from '../../src/jobs/job-registry.js';
import type { JobContext, JobOutcome } from '../../src/jobs/job-types.js';
import { JobWorker } from '../../src/jobs/job-worker.js';
import { holdsLease } from '../../src/repositories/job.repository.js';
import { createPostgresDatabase, testDialects } from '../support/dialects.js';
import { waitFor } from '../support/wait-for.js';

/** A queue on its own database, so no application worker competes for its jobs. */
async function openQueue(dialect: 'sqlite' | 'postgres'): Promise<{ database: Database; queue: JobQueue; close: () => Promise<void> }> {
  if (dialect === 'postgres') {
    const pg = await createPostgresDatabase();
    const database = createDb({ kind: 'postgres', url: pg.url, poolSize: 4 });
    await migrateToLatest(database.db);
    return { database, queue: new JobQueue(database.db, 'postgres'), close: async () => { await database.close(); await pg.drop(); } };
  }
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'xnat-ts-jobs-'));
  const database = createDb({ kind: 'sqlite', url: path.join(dir, 'jobs.sqlite'), poolSize: 1 });
  await migrateToLatest(database.db);
  return { database, queue: new JobQueue(database.db, 'sqlite'), close: async () => { await database.close(); await fs.rm(dir, { recursive: true, force: true }); } };
}

type Run = (payload: { n: number }, ctx: JobContext) => Promise<JobOutcome>;

for (const dialect of testDialects()) {
  describe(`job queue and worker (${dialect})`, () => {
    let env: Awaited<ReturnType<typeof openQueue>>;
    let run: Run = async () => ({ kind: 'done' });
    const abandoned: { n: number; reason: string }[] = [];
    const registry = new JobRegistry([{
      name: 'transfer.run', run: (p: { n: number }, ctx) => run(p, ctx),
      abandon: async (p: { n: number }, reason) => void abandoned.push({ n: p.n, reason }),
    }]);
    const enqueue = (n: number, maxAttempts = 3) => env.queue.enqueue(env.database.db, 'transfer.run', { n }, { maxAttempts });
    const worker = (leaseMs = 5_000) => new JobWorker(env.queue, registry, { concurrency: 2, leaseMs, pollMs: 20 });

    before(async () => {
      env = await openQueue(dialect);
    });
    after(() => env.close());

    it('refuses a registry with a missing or doubled handler', () => {
      assert.throws(() => new JobRegistry([]), /No handler for job\(s\): transfer\.run/);
      const h = { name: 'transfer.run' as const, run: async () => ({ kind: 'done' as const }) };
      assert.throws(() => new JobRegistry([h, h]), /Two handlers for job 'transfer\.run'/);
    });

    it('hands each job to exactly one of several concurrent claimers, oldest first', async () => {
      const ids = [await enqueue(1), await enqueue(2), await enqueue(3)];
      const claims = await Promise.all(Array.from({ length: 6 }, (_, i) => env.queue.claim(['transfer.run'], `w${i}`, 60_000)));
      const claimed = claims.filter((j) => j !== undefined).map((j) => j!.id).sort((a, b) => a - b);
      assert.deepEqual(claimed, ids);
      for (const j of claims) if (j) await env.queue.end(j.id, `w${claims.indexOf(j)}`, { state: 'done' });
    });

    it('lets another worker take over a job whose lease ran out; the first one loses it', async () => {
      const id = await enqueue(4);
      const first = await env.queue.claim(['transfer.run'], 'dead', 1);
      assert.equal(first?.id, id);
      await waitFor(async () => (await env.queue.claim(['transfer.run'], 'alive', 60_000))?.id === id || undefined, { what: 'the lease to run out' });
      assert.equal(await env.queue.renew(id, 'dead', 60_000), undefined, 'the dead worker no longer holds it');
      assert.equal(await holdsLease(env.database.db, id, 'dead'), false, 'so it may not commit work for it');
      assert.equal(await holdsLease(env.database.db, id, 'alive'), true);
      assert.deepEqual(await env.queue.renew(id, 'alive', 60_000), { cancelRequested: false });
      assert.equal((await env.queue.find(id))?.attempts, 2);
      await env.queue.end(id, 'alive', { state: 'done' });
    });

    it('runs handlers: done, retried after a failure, failed after the last attempt', async () => {
      const seen: number[] = [];
      run = async (p, ctx) => {
        seen.push(p.n);
        if (p.n === 6) throw new Error('always broken');
        if (p.n === 5 && ctx.attempt === 1) return { kind: 'retry', afterMs: 10, reason: 'not yet' };
        await ctx.progress({ n: p.n });
        return { kind: 'done' };
      };
      const w = worker();
      w.start();
      const ok = await enqueue(5);
      const broken = await enqueue(6, 2);
      const done = await waitFor(async () => ((await env.queue.find(ok))?.state === 'done' ? env.queue.find(ok) : undefined), { what: 'job 5 done' });
      assert.equal(done?.attempts, 2);
      const failed = await waitFor(async () => ((await env.queue.find(broken))?.state === 'failed' ? env.queue.find(broken) : undefined), { timeoutMs: 10_000, what: 'job 6 failed' });
      assert.equal(failed?.lastError, 'always broken');
      assert.equal(failed?.attempts, 2);
      await w.stop();
    });

    it('cancels a queued job at once and a running one through its signal', async () => {
      const queued = await enqueue(7);
      assert.equal(await env.queue.cancel(env.database.db, queued), 'cancelled');
      let started = false;
      run = async (_p, ctx) => {
        started = true;
        await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
        return { kind: 'stopped' };
      };
      const w = worker();
      w.start();
      const running = await enqueue(8);
      await waitFor(() => started || undefined, { what: 'the handler to start' });
      assert.equal(await env.queue.cancel(env.database.db, running), 'running');
      // No in-process announcement: the heartbeat notices the flag.
      await waitFor(async () => (await env.queue.find(running))?.state === 'cancelled' || undefined, { what: 'the cancel to land' });
      assert.equal((await env.queue.find(queued))?.attempts, 0, 'a cancelled queued job never ran');
      await w.stop();
    });

    it('gives up a job whose attempts all ended with the process dying, and tells its handler', async () => {
      const id = await enqueue(10, 1);
      assert.equal((await env.queue.claim(['transfer.run'], 'crashed', 1))?.attempts, 1, 'its one attempt, then the process died');
      let ran = false;
      run = async () => {
        ran = true;
        return { kind: 'done' };
      };
      const w = worker();
      w.start();
      const job = await waitFor(async () => ((await env.queue.find(id))?.state === 'failed' ? env.queue.find(id) : undefined), { what: 'the job to be given up' });
      await w.stop();
      assert.equal(ran, false);
      assert.match(job?.lastError ?? '', /Gave up after 1 attempts that did not finish/);
      assert.deepEqual(abandoned.map((a) => a.n), [10]);
    });

    it('hands running jobs back to the queue when it stops, without counting the attempt', async () => {
      let started = false;
      run = async (_p, ctx) => {
        started = true;
        await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
        assert.equal(ctx.signal.reason, 'shutdown');
        return { kind: 'stopped' };
      };
      const w = worker();
      w.start();
      const id = await enqueue(9);
      await waitFor(() => started || undefined, { what: 'the handler to start' });
      await w.stop();
      const job = await env.queue.find(id);
      assert.equal(job?.state, 'queued');
      assert.equal(job?.attempts, 0);
      run = async () => ({ kind: 'done' });
      const again = worker();
      again.start();
      await waitFor(async () => (await env.queue.find(id))?.state === 'done' || undefined, { what: 'the job to resume' });
      await again.stop();
    });
  });
}
