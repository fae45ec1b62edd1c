import { PostgresAdapter, type CreateTableBuilder, type Kysely } from 'kysely';

/**
 * Column helpers for migrations. Their meaning never changes once a migration uses them:
 * add a new helper instead of editing one.
 */
export function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** An auto-numbered integer primary key `id` (SQLite AUTOINCREMENT never reuses numbers; Postgres serial). */
export function withAutoId<T extends string>(db: Kysely<any>, table: CreateTableBuilder<T, never>): CreateTableBuilder<T, 'id'> {
  return isPostgres(db)
    ? table.addColumn('id', 'serial', (c) => c.primaryKey())
    : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
}

/** ISO-8601 UTC timestamps are stored as text on both engines. */
export const TIMESTAMP = 'text' as const;
/** Byte counts: 64-bit integers on both engines. */
export const BYTES = 'bigint' as const;
/** Measurements: 8-byte floating point on both engines. */
export const DOUBLE = 'double precision' as const;
