import type { Kysely } from 'kysely';
import { TIMESTAMP, withAutoId } from '../migration-helpers.js';

export async function up(db: Kysely<any>): Promise<void> {
  // Background work (style.md §8): claimed with a lease so a crashed worker's job is picked up again.
  await withAutoId(db, db.schema.createTable('job'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('max_attempts', 'integer', (c) => c.notNull())
    .addColumn('run_after', TIMESTAMP, (c) => c.notNull())
    .addColumn('lease_owner', 'text')
    .addColumn('lease_expires_at', TIMESTAMP)
    .addColumn('cancel_requested', 'integer', (c) => c.notNull())
    .addColumn('progress', 'text')
    .addColumn('last_error', 'text')
    .addColumn('created_at', TIMESTAMP, (c) => c.notNull())
    .addColumn('updated_at', TIMESTAMP, (c) => c.notNull())
    .addColumn('finished_at', TIMESTAMP)
    .execute();
  await db.schema.createIndex('job_claim_idx').on('job').columns(['state', 'run_after']).execute();

  // Server-side copies and moves between projects; kept after the projects are gone, as history.
  await db.schema.createTable('transfer')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('source_project_id', 'text', (c) => c.notNull())
    .addColumn('destination_project_id', 'text', (c) => c.notNull())
    .addColumn('request', 'text', (c) => c.notNull())
    .addColumn('selection', 'text', (c) => c.notNull())
    .addColumn('checklist', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('phase', 'text', (c) => c.notNull())
    .addColumn('progress', 'text', (c) => c.notNull())
    .addColumn('checkpoint', 'text', (c) => c.notNull())
    .addColumn('report', 'text')
    .addColumn('job_id', 'integer')
    .addColumn('cancel_requested', 'integer', (c) => c.notNull())
    .addColumn('created_at', TIMESTAMP, (c) => c.notNull())
    .addColumn('updated_at', TIMESTAMP, (c) => c.notNull())
    .addColumn('started_at', TIMESTAMP)
    .addColumn('finished_at', TIMESTAMP)
    .execute();
  await db.schema.createIndex('transfer_user_idx').on('transfer').columns(['user_id', 'created_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('transfer').execute();
  await db.schema.dropTable('job').execute();
}
