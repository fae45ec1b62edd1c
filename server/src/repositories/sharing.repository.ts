import type { Db } from '../db/database.js';
import type { ProjectLabel } from '../domain/entities.js';
import { bool, now } from './field-columns.js';

/**
 * Queries and changes behind sharing and changes of owner: who holds a label in a project, the
 * share rows of a subject's experiments, and moving an owner row from one project to another.
 */

/** The subject that holds `label` in the project (owned or shared), if any. */
export async function subjectLabelHolder(db: Db, projectId: string, label: string): Promise<string | undefined> {
  const row = await db.selectFrom('subject_label').select('subject_id').where('project_id', '=', projectId).where('label', '=', label).executeTakeFirst();
  return row?.subject_id;
}

export async function experimentLabelHolder(db: Db, projectId: string, label: string): Promise<string | undefined> {
  const row = await db.selectFrom('experiment_label').select('experiment_id').where('project_id', '=', projectId).where('label', '=', label).executeTakeFirst();
  return row?.experiment_id;
}

/** The subject's row in one project (owner or share), if it is there. */
export async function findSubjectPlace(db: Db, subjectId: string, projectId: string): Promise<ProjectLabel | undefined> {
  const row = await db.selectFrom('subject_label').select(['project_id', 'label', 'is_shared'])
    .where('subject_id', '=', subjectId).where('project_id', '=', projectId).executeTakeFirst();
  return row && { projectId: row.project_id, label: row.label, isShared: bool(row.is_shared) };
}

export async function findExperimentPlace(db: Db, experimentId: string, projectId: string): Promise<ProjectLabel | undefined> {
  const row = await db.selectFrom('experiment_label').select(['project_id', 'label', 'is_shared'])
    .where('experiment_id', '=', experimentId).where('project_id', '=', projectId).executeTakeFirst();
  return row && { projectId: row.project_id, label: row.label, isShared: bool(row.is_shared) };
}

/** Every experiment of a subject (sessions, subject assessors, image assessors) that project P holds, owned or shared. */
export async function listSubjectExperimentsIn(db: Db, subjectId: string, projectId: string): Promise<{ id: string; ownerProjectId: string; label: string; isShared: boolean; imageSessionId: string | null }[]> {
  const rows = await db.selectFrom('experiment_label as el').innerJoin('experiment as e', 'e.id', 'el.experiment_id')
    .select(['e.id', 'e.project_id', 'el.label', 'el.is_shared', 'e.image_session_id'])
    .where('e.subject_id', '=', subjectId).where('el.project_id', '=', projectId).orderBy('el.label').execute();
  return rows.map((r) => ({ id: r.id, ownerProjectId: r.project_id, label: r.label, isShared: bool(r.is_shared), imageSessionId: r.image_session_id }));
}

/** Assessors of a session that project P holds, owned or shared. */
export async function listAssessorsIn(db: Db, sessionId: string, projectId: string): Promise<{ id: string; ownerProjectId: string; label: string; isShared: boolean }[]> {
  const rows = await db.selectFrom('experiment_label as el').innerJoin('experiment as e', 'e.id', 'el.experiment_id')
    .select(['e.id', 'e.project_id', 'el.label', 'el.is_shared'])
    .where('e.image_session_id', '=', sessionId).where('el.project_id', '=', projectId).orderBy('el.label').execute();
  return rows.map((r) => ({ id: r.id, ownerProjectId: r.project_id, label: r.label, isShared: bool(r.is_shared) }));
}

/** Changes the label of an existing share row. */
export async function relabelShare(db: Db, kind: 'subject' | 'experiment', id: string, projectId: string, label: string): Promise<void> {
  if (kind === 'subject') {
    await db.updateTable('subject_label').set({ label }).where('subject_id', '=', id).where('project_id', '=', projectId).where('is_shared', '=', 1).execute();
  } else {
    await db.updateTable('experiment_label').set({ label }).where('experiment_id', '=', id).where('project_id', '=', projectId).where('is_shared', '=', 1).execute();
  }
}

/**
 * Makes `to` the owner of a subject under `label`: its share row in `to` (if any) is replaced by the
 * owner row, and the old owner project no longer holds it (XNAT's change of primary project).
 */
export async function moveSubjectOwner(db: Db, id: string, from: string, to: string, label: string): Promise<void> {
  await db.deleteFrom('subject_label').where('subject_id', '=', id).where('project_id', '=', to).execute();
  await db.updateTable('subject_label').set({ project_id: to, label, created_at: now() }).where('subject_id', '=', id).where('project_id', '=', from).execute();
  await db.updateTable('subject').set({ project_id: to, label, updated_at: now() }).where('id', '=', id).execute();
}

export async function moveExperimentOwner(db: Db, id: string, from: string, to: string, label: string): Promise<void> {
  await db.deleteFrom('experiment_label').where('experiment_id', '=', id).where('project_id', '=', to).execute();
  await db.updateTable('experiment_label').set({ project_id: to, label, created_at: now() }).where('experiment_id', '=', id).where('project_id', '=', from).execute();
  await db.updateTable('experiment').set({ project_id: to, label, updated_at: now() }).where('id', '=', id).execute();
}

export async function updateResourceDir(db: Db, id: number, dir: string): Promise<void> {
  await db.updateTable('resource').set({ dir, updated_at: now() }).where('id', '=', id).execute();
}

/** Number and MD5s of a resource's files, to notice changes made while files were being moved. */
export async function resourceFingerprint(db: Db, resourceId: number): Promise<string> {
  const rows = await db.selectFrom('resource_file').select(['path', 'md5', 'size']).where('resource_id', '=', resourceId).orderBy('path').execute();
  return rows.map((r) => `${r.path}\u0000${r.md5}\u0000${Number(r.size)}`).join('\n');
}

/** Every subject a project holds (owned or shared), with its label there. */
export async function listSubjectsHeldBy(db: Db, projectId: string): Promise<{ id: string; label: string; isShared: boolean }[]> {
  const rows = await db.selectFrom('subject_label').select(['subject_id', 'label', 'is_shared']).where('project_id', '=', projectId).orderBy('label').execute();
  return rows.map((r) => ({ id: r.subject_id, label: r.label, isShared: bool(r.is_shared) }));
}
