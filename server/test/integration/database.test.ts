import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { createDb, type Database } from '../../src/db/create-db.js';
import { assertCurrent, migrateToLatest, schemaState } from '../../src/db/migrate.js';
import { isUniqueViolation } from '../../src/db/db-errors.js';
import { EXPERIMENT_FIELDS, PROJECT_FIELDS, SCAN_FIELDS, SUBJECT_FIELDS } from '../../src/domain/fields.js';
import { nextNumber } from '../../src/repositories/counter.repository.js';
import { createPostgresDatabase, testDialects } from '../support/dialects.js';

for (const dialect of testDialects()) {
  describe(`database schema (${dialect})`, () => {
    let database: Database;
    let cleanup: () => Promise<void>;
    before(async () => {
      if (dialect === 'postgres') {
        const created = await createPostgresDatabase();
        database = createDb({ kind: 'postgres', url: created.url, poolSize: 2 });
        cleanup = created.drop;
      } else {
        const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'xt-db-'));
        database = createDb({ kind: 'sqlite', url: path.join(dir, 'db.sqlite'), poolSize: 1 });
        cleanup = () => fs.rm(dir, { recursive: true, force: true });
      }
    });
    after(async () => {
      await database.close();
      await cleanup();
    });

    it('refuses to serve an unmigrated database, then migrates in order', async () => {
      await assert.rejects(assertCurrent(database.db), /older than this server.*xnat-ts migrate/);
      const applied = await migrateToLatest(database.db);
      assert.ok(applied.length >= 1);
      assert.deepEqual((await schemaState(database.db)).pending, []);
      await assertCurrent(database.db);
      assert.deepEqual(await migrateToLatest(database.db), [], 'migrating again does nothing');
    });

    it('has a column for every descriptive field', async () => {
      const tables = await database.db.introspection.getTables();
      const columns = (name: string) => new Set(tables.find((t) => t.name === name)?.columns.map((c) => c.name));
      for (const [table, defs] of [['project', PROJECT_FIELDS], ['subject', SUBJECT_FIELDS], ['experiment', EXPERIMENT_FIELDS], ['scan', SCAN_FIELDS]] as const) {
        for (const def of defs) assert.ok(columns(table).has(def.column), `${table}.${def.column} for field ${def.key}`);
      }
    });

    it('enforces foreign keys and one label per project across owned and shared items', async () => {
      const at = new Date().toISOString();
      await database.db.insertInto('project').values({ id: 'P', secondary_id: 'P', name: 'P', description: null, keywords: null, pi_firstname: null, pi_lastname: null, note: null, accessibility: 'private', prearchive_code: 0, quarantine_code: 0, allow_subject_creation: 1, created_at: at, created_by: 't', updated_at: at }).execute();
      await assert.rejects(database.db.insertInto('subject_label').values({ subject_id: 'nope', project_id: 'P', label: 'L', is_shared: 0, created_at: at }).execute());
      for (const id of ['S1', 'S2']) {
        await database.db.insertInto('subject').values({ id, project_id: 'P', label: id, created_at: at, created_by: 't', updated_at: at } as never).execute();
      }
      await database.db.insertInto('subject_label').values({ subject_id: 'S1', project_id: 'P', label: 'L', is_shared: 0, created_at: at }).execute();
      const dup = await database.db.insertInto('subject_label').values({ subject_id: 'S2', project_id: 'P', label: 'L', is_shared: 1, created_at: at }).execute().catch((e: unknown) => e);
      assert.ok(isUniqueViolation(dup), `unique violation expected, got ${String(dup)}`);
    });

    it('hands out increasing numbers per series', async () => {
      const a = await nextNumber(database.db, 'test');
      const b = await nextNumber(database.db, 'test');
      assert.equal(b, a + 1);
      assert.equal(await nextNumber(database.db, 'other'), 1);
    });

    it('refuses a schema newer than the code', async () => {
      await database.db.insertInto('kysely_migration' as never).values({ name: '209901010000_from_the_future', timestamp: new Date().toISOString() } as never).execute();
      await assert.rejects(assertCurrent(database.db), /newer than this server.*209901010000_from_the_future/);
      await assert.rejects(migrateToLatest(database.db), /newer than this server/);
      await sql`delete from kysely_migration where name = '209901010000_from_the_future'`.execute(database.db);
    });
  });
}
