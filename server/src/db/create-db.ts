import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import Cursor from 'pg-cursor';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import type { DatabaseConfig } from '../config/config.js';
import type { DB } from './database.js';

// Byte sizes and counts are int8 in PostgreSQL; the driver returns them as strings unless told otherwise.
// Archive sizes stay far below 2^53, so numbers are safe.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number.parseInt(v, 10));

export type Dialect = 'sqlite' | 'postgres';

export interface Database {
  readonly db: Kysely<DB>;
  readonly dialect: Dialect;
  close(): Promise<void>;
}

/** Opens the configured engine: better-sqlite3 (WAL, foreign keys on) or a pg pool. */
export function createDb(config: Pick<DatabaseConfig, 'kind' | 'url' | 'poolSize'>): Database {
  if (config.kind === 'postgres') {
    const pool = new pg.Pool({ connectionString: config.url, max: config.poolSize });
    // An idle connection dropped by the server (restart, failover, admin) must not crash the process:
    // the pool discards it and the next query opens a fresh one.
    pool.on('error', () => undefined);
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool, cursor: Cursor }) });
    return { db, dialect: 'postgres', close: () => db.destroy() };
  }
  fs.mkdirSync(path.dirname(config.url), { recursive: true });
  const db = new Kysely<DB>({
    dialect: new SqliteDialect({
      database: async () => {
        const sqlite = new SQLite(config.url);
        sqlite.pragma('journal_mode = WAL');
        sqlite.pragma('foreign_keys = ON');
        sqlite.pragma('busy_timeout = 5000');
        sqlite.pragma('synchronous = NORMAL');
        return sqlite;
      },
    }),
  });
  return { db, dialect: 'sqlite', close: () => db.destroy() };
}
