import type { Kysely, Selectable } from 'kysely';
import type { Dialect } from './create-db.js';
import type { DB } from './database.js';
import type { JobTable } from './tables/job.table.js';

/**
 * The few statements that differ per engine (style.md §6). Everything else is portable Kysely.
 */

export interface ClaimOptions {
  /** Only jobs with these names (the handlers this worker has). */
  readonly names: readonly string[];
  readonly workerId: string;
  /** ISO timestamp: now. */
  readonly now: string;
  /** ISO timestamp: when the lease runs out unless renewed. */
  readonly leaseUntil: string;
}

/**
 * Claims the next runnable job: queued and due, or running under a lease that ran out (its worker
 * died). PostgreSQL locks the candidate row with FOR UPDATE SKIP LOCKED so concurrent workers never
 * claim the same job; SQLite has a single writer, so one UPDATE ... RETURNING is already atomic.
 */
export async function claimNextJob(db: Kysely<DB>, dialect: Dialect, o: ClaimOptions): Promise<Selectable<JobTable> | undefined> {
  if (o.names.length === 0) return undefined;
  let candidate = db.selectFrom('job').select('id')
    .where('name', 'in', o.names as string[])
    .where((eb) => eb.or([
      eb.and([eb('state', '=', 'queued'), eb('run_after', '<=', o.now)]),
      eb.and([eb('state', '=', 'running'), eb('lease_expires_at', '<', o.now)]),
    ]))
    .orderBy('run_after').orderBy('id').limit(1);
  if (dialect === 'postgres') candidate = candidate.forUpdate().skipLocked();
  return db.updateTable('job')
    .set((eb) => ({ state: 'running', lease_owner: o.workerId, lease_expires_at: o.leaseUntil, attempts: eb('attempts', '+', 1), updated_at: o.now }))
    .where('id', '=', candidate)
    .returningAll()
    .executeTakeFirst();
}
