import { Migrator, type Kysely, type MigrationProvider } from 'kysely';
import { MIGRATIONS } from './migrations/index.js';

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

export interface SchemaState {
  readonly applied: readonly string[];
  readonly pending: readonly string[];
  /** Migrations recorded in the database that this code does not know: the schema is newer. */
  readonly unknown: readonly string[];
}

export async function schemaState(db: Kysely<any>): Promise<SchemaState> {
  const migrator = new Migrator({ db, provider });
  const known = await migrator.getMigrations();
  const applied = known.filter((m) => m.executedAt).map((m) => m.name);
  const pending = known.filter((m) => !m.executedAt).map((m) => m.name);
  let recorded: string[] = [];
  try {
    const rows = await db.selectFrom('kysely_migration').select('name').execute();
    recorded = rows.map((r: { name: string }) => r.name);
  } catch {
    recorded = [];
  }
  const codeNames = new Set(Object.keys(MIGRATIONS));
  return { applied, pending, unknown: recorded.filter((n) => !codeNames.has(n)) };
}

export class SchemaError extends Error {}

/** Refuses a schema newer than the code (Orthanc's version gate), then applies pending migrations. */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  await assertNotNewer(db);
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw new SchemaError(`Migration failed: ${(error as Error).message}`);
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

export async function assertNotNewer(db: Kysely<any>): Promise<void> {
  const state = await schemaState(db);
  if (state.unknown.length > 0) {
    throw new SchemaError(
      `The database schema is newer than this server (unknown migrations: ${state.unknown.join(', ')}). Upgrade xnat-ts before using this database.`,
    );
  }
}

/** Refuses to serve an older schema that was not migrated (PostgreSQL is migrated only by `xnat-ts migrate`). */
export async function assertCurrent(db: Kysely<any>): Promise<void> {
  await assertNotNewer(db);
  const state = await schemaState(db);
  if (state.pending.length > 0) {
    throw new SchemaError(
      `The database schema is older than this server (pending migrations: ${state.pending.join(', ')}). Run 'xnat-ts migrate' first.`,
    );
  }
}
