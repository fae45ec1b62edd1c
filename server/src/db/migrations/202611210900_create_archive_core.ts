import type { Kysely } from 'kysely';
import { BYTES, DOUBLE, TIMESTAMP, withAutoId } from '../migration-helpers.js';

export async function up(db: Kysely<any>): Promise<void> {
  await withAutoId(db, db.schema.createTable('user_account'))
    .addColumn('login', 'text', (c) => c.notNull().unique())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('first_name', 'text', (c) => c.notNull())
    .addColumn('last_name', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('verified', 'integer', (c) => c.notNull())
    .addColumn('is_admin', 'integer', (c) => c.notNull())
    .addColumn('created_at', TIMESTAMP, (c) => c.notNull())
    .addColumn('updated_at', TIMESTAMP, (c) => c.notNull())
    .addColumn('last_login_at', TIMESTAMP)
    .execute();

  await db.schema.createTable('user_session')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('user_account.id').onDelete('cascade'))
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', TIMESTAMP, (c) => c.notNull())
    .addColumn('last_seen_at', TIMESTAMP, (c) => c.notNull())
    .addColumn('expires_at', TIMESTAMP, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('user_session_expires_idx').on('user_session').column('expires_at').execute();

  await db.schema.createTable('alias_token')
    .addColumn('alias', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('user_account.id').onDelete('cascade'))
    .addColumn('secret_hash', 'text', (c) => c.notNull())
    .addColumn('single_use', 'integer', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('created_at', TIMESTAMP, (c) => c.notNull())
    .addColumn('expires_at', TIMESTAMP, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('alias_token_user_idx').on('alias_token').column('user_id').execute();

  await db.schema.createTable('project')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('secondary_id', 'text')
    .addColumn('name', 'text')
    .addColumn('description', 'text')
    .addColumn('keywords', 'text')
    .addColumn('pi_firstname', 'text')
    .addColumn('pi_lastname', 'text')
    .addColumn('note', 'text')
    .addColumn('accessibility', 'text', (c) => c.notNull())
    .addColumn('prearchive_code', 'integer', (c) => c.notNull())
    .addColumn('quarantine_code', 'integer', (c) => c.notNull())
    .addColumn('allow_subject_creation', 'integer', (c) => c.notNull())
    .addColumn('created_at', TIMESTAMP, (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', TIMESTAMP, (c) => c.notNull())
    .execute();

  await db.schema.createTable('project_alias')
    .addColumn('alias', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) => c.notNull().references('project.id').onDelete('cascade'))
    .execute();
  await db.schema.createIndex('project_alias_project_idx').on('project_alias').column('project_id').execute();

  await db.schema.createTable('project_member')
    .addColumn('project_id', 'text', (c) => c.notNull().references('project.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('user_account.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('created_at', TIMESTAMP, (c) => c.notNull())
    .addPrimaryKeyConstraint('project_member_pk', ['project_id', 'user_id'])
    .execute();
  await db.schema.createIndex('project_member_user_idx').on('project_member').column('user_id').execute();

  await db.schema.createTable('subject')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) => c.notNull().references('project.id'))
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('subject_group', 'text')
    .addColumn('src', 'text')
    .addColumn('pi_firstname', 'text')
    .addColumn('pi_lastname', 'text')
    .addColumn('note', 'text')
    .addColumn('dob', 'text')
    .addColumn('yob', 'integer')
    .addColumn('age', DOUBLE)
    .addColumn('gender', 'text')
    .addColumn('handedness', 'text')
    .addColumn('ses', 'integer')
    .addColumn('education', 'integer')
    .addColumn('education_desc', 'text')
    .addColumn('race', 'text')
    .addColumn('ethnicity', 'text')
    .addColumn('weight', DOUBLE)
    .addColumn('height', DOUBLE)
    .addColumn('gestational_age', DOUBLE)
    .addColumn('post_menstrual_age', DOUBLE)
    .addColumn('birth_weight', DOUBLE)
    .addColumn('created_at', TIMESTAMP, (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', TIMESTAMP, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('subject_project_idx').on('subject').columns(['project_id', 'label']).execute();

  await db.schema.createTable('subject_label')
    .addColumn('subject_id', 'text', (c) => c.notNull().references('subject.id').onDelete('cascade'))
    .addColumn('project_id', 'text', (c) => c.notNull().references('project.id').onDelete('cascade'))
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('is_shared', 'integer', (c) => c.notNull())
    .addColumn('created_at', TIMESTAMP, (c) => c.notNull())
    .addPrimaryKeyConstraint('subject_label_pk', ['subject_id', 'project_id'])
    .addUniqueConstraint('subject_label_project_label_uq', ['project_id', 'label'])
    .execute();

  await db.schema.createTable('experiment')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) => c.notNull().references('project.id'))
    .addColumn('subject_id', 'text', (c) => c.notNull().references('subject.id'))
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('xsi_type', 'text', (c) => c.notNull())
    .addColumn('image_session_id', 'text', (c) => c.references('experiment.id'))
    .addColumn('session_date', 'text')
    .addColumn('session_time', 'text')
    .addColumn('visit_id', 'text')
    .addColumn('visit', 'text')
    .addColumn('protocol', 'text')
    .addColumn('note', 'text')
    .addColumn('pi_firstname', 'text')
    .addColumn('pi_lastname', 'text')
    .addColumn('acquisition_site', 'text')
    .addColumn('study_instance_uid', 'text')
    .addColumn('scanner', 'text')
    .addColumn('scanner_manufacturer', 'text')
    .addColumn('scanner_model', 'text')
    .addColumn('operator', 'text')
    .addColumn('modality', 'text')
    .addColumn('session_type', 'text')
    .addColumn('dcm_accession_number', 'text')
    .addColumn('dcm_patient_id', 'text')
    .addColumn('dcm_patient_name', 'text')
    .addColumn('field_strength', 'text')
    .addColumn('coil', 'text')
    .addColumn('marker', 'text')
    .addColumn('stabilization', 'text')
    .addColumn('tracer_name', 'text')
    .addColumn('tracer_dose', DOUBLE)
    .addColumn('tracer_isotope', 'text')
    .addColumn('created_at', TIMESTAMP, (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', TIMESTAMP, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('experiment_project_idx').on('experiment').columns(['project_id', 'label']).execute();
  await db.schema.createIndex('experiment_subject_idx').on('experiment').column('subject_id').execute();
  await db.schema.createIndex('experiment_session_idx').on('experiment').column('image_session_id').execute();
  await db.schema.createIndex('experiment_uid_idx').on('experiment').column('study_instance_uid').execute();

  await db.schema.createTable('experiment_label')
    .addColumn('experiment_id', 'text', (c) => c.notNull().references('experiment.id').onDelete('cascade'))
    .addColumn('project_id', 'text', (c) => c.notNull().references('project.id').onDelete('cascade'))
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('is_shared', 'integer', (c) => c.notNull())
    .addColumn('created_at', TIMESTAMP, (c) => c.notNull())
    .addPrimaryKeyConstraint('experiment_label_pk', ['experiment_id', 'project_id'])
    .addUniqueConstraint('experiment_label_project_label_uq', ['project_id', 'label'])
    .execute();

  await withAutoId(db, db.schema.createTable('scan'))
    .addColumn('experiment_id', 'text', (c) => c.notNull().references('experiment.id').onDelete('cascade'))
    .addColumn('scan_id', 'text', (c) => c.notNull())
    .addColumn('xsi_type', 'text', (c) => c.notNull())
    .addColumn('scan_type', 'text')
    .addColumn('series_instance_uid', 'text')
    .addColumn('series_description', 'text')
    .addColumn('quality', 'text')
    .addColumn('scan_condition', 'text')
    .addColumn('note', 'text')
    .addColumn('documentation', 'text')
    .addColumn('scanner', 'text')
    .addColumn('modality', 'text')
    .addColumn('frames', 'integer')
    .addColumn('start_time', 'text')
    .addColumn('field_strength', 'text')
    .addColumn('coil', 'text')
    .addColumn('tr', DOUBLE)
    .addColumn('te', DOUBLE)
    .addColumn('ti', DOUBLE)
    .addColumn('flip', DOUBLE)
    .addColumn('created_at', TIMESTAMP, (c) => c.notNull())
    .addColumn('updated_at', TIMESTAMP, (c) => c.notNull())
    .addUniqueConstraint('scan_experiment_scan_uq', ['experiment_id', 'scan_id'])
    .execute();

  await withAutoId(db, db.schema.createTable('resource'))
    .addColumn('owner_key', 'text', (c) => c.notNull())
    .addColumn('project_id', 'text', (c) => c.references('project.id').onDelete('cascade'))
    .addColumn('subject_id', 'text', (c) => c.references('subject.id').onDelete('cascade'))
    .addColumn('experiment_id', 'text', (c) => c.references('experiment.id').onDelete('cascade'))
    .addColumn('scan_pk', 'integer', (c) => c.references('scan.id').onDelete('cascade'))
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('tags', 'text', (c) => c.notNull())
    .addColumn('file_count', 'integer', (c) => c.notNull())
    .addColumn('total_size', BYTES, (c) => c.notNull())
    .addColumn('dir', 'text', (c) => c.notNull())
    .addColumn('created_at', TIMESTAMP, (c) => c.notNull())
    .addColumn('updated_at', TIMESTAMP, (c) => c.notNull())
    .addUniqueConstraint('resource_owner_label_uq', ['owner_key', 'label'])
    .execute();
  // Each resource owns its directory; no two resources may ever write into the same folder.
  await db.schema.createIndex('resource_dir_uq').on('resource').column('dir').unique().execute();
  await db.schema.createIndex('resource_experiment_idx').on('resource').column('experiment_id').execute();
  await db.schema.createIndex('resource_scan_idx').on('resource').column('scan_pk').execute();
  await db.schema.createIndex('resource_subject_idx').on('resource').column('subject_id').execute();
  await db.schema.createIndex('resource_project_idx').on('resource').column('project_id').execute();

  await withAutoId(db, db.schema.createTable('resource_file'))
    .addColumn('resource_id', 'integer', (c) => c.notNull().references('resource.id').onDelete('cascade'))
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('size', BYTES, (c) => c.notNull())
    .addColumn('md5', 'text', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('tags', 'text', (c) => c.notNull())
    .addColumn('created_at', TIMESTAMP, (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addUniqueConstraint('resource_file_path_uq', ['resource_id', 'path'])
    .execute();

  await withAutoId(db, db.schema.createTable('audit_event'))
    .addColumn('at', TIMESTAMP, (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('entity_type', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addColumn('project_id', 'text')
    .addColumn('label', 'text')
    .addColumn('reason', 'text')
    .addColumn('details', 'text')
    .execute();
  await db.schema.createIndex('audit_event_project_idx').on('audit_event').columns(['project_id', 'id']).execute();
  await db.schema.createIndex('audit_event_actor_idx').on('audit_event').columns(['actor', 'id']).execute();

  await db.schema.createTable('id_counter')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'integer', (c) => c.notNull())
    .execute();

  await db.schema.createTable('site_setting')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', TIMESTAMP, (c) => c.notNull())
    .execute();

  await withAutoId(db, db.schema.createTable('config_entry'))
    .addColumn('tool', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('contents', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('created_at', TIMESTAMP, (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addUniqueConstraint('config_entry_version_uq', ['tool', 'path', 'project_id', 'version'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['config_entry', 'site_setting', 'id_counter', 'audit_event', 'resource_file', 'resource', 'scan',
    'experiment_label', 'experiment', 'subject_label', 'subject', 'project_member', 'project_alias', 'project',
    'alias_token', 'user_session', 'user_account']) {
    await db.schema.dropTable(table).execute();
  }
}
