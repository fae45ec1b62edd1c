import type { Kysely } from 'kysely';
import { TIMESTAMP } from '../migration-helpers.js';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('download_catalog')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('login', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', TIMESTAMP, (c) => c.notNull())
    .addColumn('expires_at', TIMESTAMP, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('download_catalog_expires_idx').on('download_catalog').column('expires_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('download_catalog').execute();
}
