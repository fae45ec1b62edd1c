import type { Kysely } from 'kysely';
import { BYTES, TIMESTAMP, withAutoId } from '../migration-helpers.js';

export async function up(db: Kysely<any>): Promise<void> {
  await withAutoId(db, db.schema.createTable('prearchive_session'))
    .addColumn('project_key', 'text', (c) => c.notNull())
    .addColumn('project_id', 'text')
    .addColumn('timestamp', 'text', (c) => c.notNull())
    .addColumn('folder', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('study_uid', 'text', (c) => c.notNull())
    .addColumn('xsi_type', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('scan_date', 'text')
    .addColumn('scan_time', 'text')
    .addColumn('uploaded', TIMESTAMP, (c) => c.notNull())
    .addColumn('last_modified', TIMESTAMP, (c) => c.notNull())
    .addColumn('auto_archive', 'text')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('prevent_anon', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('prevent_auto_commit', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('fields', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('message', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addUniqueConstraint('prearchive_session_folder_uq', ['project_key', 'timestamp', 'folder'])
    .execute();
  await db.schema.createIndex('prearchive_session_study_idx').on('prearchive_session').columns(['project_key', 'study_uid', 'label']).execute();
  await db.schema.createIndex('prearchive_session_status_idx').on('prearchive_session').columns(['status', 'last_modified']).execute();

  await db.schema.createTable('prearchive_scan')
    .addColumn('session_id', 'integer', (c) => c.notNull().references('prearchive_session.id').onDelete('cascade'))
    .addColumn('scan_id', 'text', (c) => c.notNull())
    .addColumn('folder', 'text', (c) => c.notNull())
    .addColumn('series_uid', 'text', (c) => c.notNull())
    .addColumn('xsi_type', 'text', (c) => c.notNull())
    .addColumn('fields', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('file_count', 'integer', (c) => c.notNull())
    .addColumn('file_size', BYTES, (c) => c.notNull())
    .addPrimaryKeyConstraint('prearchive_scan_pk', ['session_id', 'scan_id'])
    .execute();

  await db.schema.createTable('prearchive_file')
    .addColumn('session_id', 'integer', (c) => c.notNull().references('prearchive_session.id').onDelete('cascade'))
    .addColumn('scan_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('size', BYTES, (c) => c.notNull())
    .addColumn('md5', 'text', (c) => c.notNull())
    .addColumn('sop_uid', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('prearchive_file_pk', ['session_id', 'scan_id', 'name'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('prearchive_file').execute();
  await db.schema.dropTable('prearchive_scan').execute();
  await db.schema.dropTable('prearchive_session').execute();
}
