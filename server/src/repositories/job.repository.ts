import type { Kysely, Selectable } from 'kysely';
import type { Dialect } from '../db/create-db.js';
import type { Db, DB } from '../db/database.js';
import { claimNextJob } from '../db/dialect.js';
import type { JobTable } from '../db/tables/job.table.js';
import type { Job, JobState } from '../domain/job.js';
import { bool, now } from './field-columns.js';

const toJob = (r: Selectable<JobTable>): Job => ({
  id: r.id, name: r.name, payload: JSON.parse(r.payload) as unknown, state: r.state as JobState, attempts: r.attempts,
  maxAttempts: r.max_attempts, cancelRequested: bool(r.cancel_requested), lastError: r.last_error, createdAt: r.created_at, finishedAt: r.finished_at,
});

export async function insertJob(db: Db, j: { name: string; payload: unknown; maxAttempts: number; runAfter?: string }): Promise<number> {
  const at = now();
  const row = await db.insertInto('job').values({
    name: j.name, payload: JSON.stringify(j.payload), state: 'queued', attempts: 0, max_attempts: j.maxAttempts, run_after: j.runAfter ?? at,
    lease_owner: null, lease_expires_at: null, cancel_requested: 0, progress: null, last_error: null, created_at: at, updated_at: at, finished_at: null,
  }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function findJob(db: Db, id: number): Promise<Job | undefined> {
  const row = await db.selectFrom('job').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toJob(row);
}

export async function claimJob(db: Kysely<DB>, dialect: Dialect, names: readonly string[], workerId: string, leaseMs: number): Promise<Job | undefined> {
  const at = new Date();
  const row = await claimNextJob(db, dialect, { names, workerId, now: at.toISOString(), leaseUntil: new Date(at.getTime() + leaseMs).toISOString() });
  return row && toJob(row);
}

/** Extends the lease; undefined when this worker no longer holds the job (another worker took it over). */
export async function renewLease(db: Db, id: number, workerId: string, leaseMs: number): Promise<{ cancelRequested: boolean } | undefined> {
  const row = await db.updateTable('job').set({ lease_expires_at: new Date(Date.now() + leaseMs).toISOString(), updated_at: now() })
    .where('id', '=', id).where('lease_owner', '=', workerId).where('state', '=', 'running')
    .returning('cancel_requested').executeTakeFirst();
  return row && { cancelRequested: bool(row.cancel_requested) };
}

export async function saveJobProgress(db: Db, id: number, workerId: string, progress: Record<string, unknown>): Promise<void> {
  await db.updateTable('job').set({ progress: JSON.stringify(progress), updated_at: now() }).where('id', '=', id).where('lease_owner', '=', workerId).execute();
}

/** Ends a run: done, failed or cancelled (final), or queued again after `runAfter` (retry, or released at shutdown). */
export async function endJobRun(db: Db, id: number, workerId: string, end: { state: JobState; error?: string | null; runAfter?: string; refundAttempt?: boolean }): Promise<void> {
  const at = now();
  const final = end.state !== 'queued';
  await db.updateTable('job').set((eb) => ({
    state: end.state, lease_owner: null, lease_expires_at: null, updated_at: at,
    ...(end.error !== undefined && { last_error: end.error }),
    ...(end.runAfter !== undefined && { run_after: end.runAfter }),
    ...(final && { finished_at: at }),
    ...(end.refundAttempt && { attempts: eb('attempts', '-', 1) }),
  })).where('id', '=', id).where('lease_owner', '=', workerId).execute();
}

/** Asks a job to stop. A queued job is cancelled at once; a running one is flagged and stops at its next check. */
export async function requestJobCancel(db: Db, id: number): Promise<JobState | undefined> {
  const at = now();
  const queued = await db.updateTable('job').set({ state: 'cancelled', cancel_requested: 1, updated_at: at, finished_at: at })
    .where('id', '=', id).where('state', '=', 'queued').returning('state').executeTakeFirst();
  if (queued) return 'cancelled';
  const running = await db.updateTable('job').set({ cancel_requested: 1, updated_at: at })
    .where('id', '=', id).where('state', '=', 'running').returning('state').executeTakeFirst();
  if (running) return 'running';
  return (await findJob(db, id))?.state;
}

/** Whether this worker still holds the job's lease (checked inside a transaction before committing work). */
export async function holdsLease(db: Db, id: number, workerId: string): Promise<boolean> {
  const row = await db.selectFrom('job').select('id').where('id', '=', id).where('lease_owner', '=', workerId).where('state', '=', 'running').executeTakeFirst();
  return row !== undefined;
}
