import type { Kysely, Transaction } from 'kysely';
import type { DB } from './database.js';
import { isRetryable } from './db-errors.js';

/**
 * Runs a write transaction, retrying on SQLITE_BUSY and Postgres serialization/deadlock errors with
 * backoff and jitter. The body must be safe to run again and must not await file or network work.
 */
export async function withTransaction<T>(db: Kysely<DB>, body: (trx: Transaction<DB>) => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(body);
    } catch (e) {
      if (!isRetryable(e) || attempt >= attempts) throw e;
      const delay = Math.min(1000, 20 * 2 ** attempt) * (0.5 + Math.random());
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}
