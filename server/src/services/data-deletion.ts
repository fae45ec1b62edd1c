import type { Db } from '../db/database.js';
import { conflict } from '../domain/errors.js';
import {
  deleteExperimentRow, deleteExperimentShare, listAssessorIdsOf, listExperimentIdsOfSubject, listExperimentIdsOwnedBy,
} from '../repositories/experiment.repository.js';
import { listAssessorsIn } from '../repositories/sharing.repository.js';
import { deleteSubjectRow, listSubjectIdsOwnedBy } from '../repositories/subject.repository.js';

/**
 * Row deletion for whole subtrees, run inside the caller's transaction. Each function returns the
 * resource directories whose files the caller removes after the commit (rows first, files second:
 * a crash leaves orphan files, never rows pointing at missing files).
 */
async function resourceDirs(db: Db, column: 'experiment_id' | 'subject_id' | 'project_id', value: string): Promise<string[]> {
  const rows = await db.selectFrom('resource').select('dir').where(column, '=', value).execute();
  return rows.map((r) => r.dir);
}

/** Deletes a session or assessor with its scans, resources and files (assessors of a session go with it). */
export async function deleteExperimentTree(db: Db, experimentId: string): Promise<string[]> {
  const dirs: string[] = [];
  for (const assessorId of await listAssessorIdsOf(db, experimentId)) dirs.push(...(await deleteExperimentTree(db, assessorId)));
  dirs.push(...(await resourceDirs(db, 'experiment_id', experimentId)));
  await deleteExperimentRow(db, experimentId);
  return dirs;
}

/** Deletes a subject with all its experiments. */
export async function deleteSubjectTree(db: Db, subjectId: string): Promise<string[]> {
  const dirs: string[] = [];
  for (const e of await listExperimentIdsOfSubject(db, subjectId)) {
    const stillThere = await db.selectFrom('experiment').select('id').where('id', '=', e.id).executeTakeFirst();
    if (stillThere) dirs.push(...(await deleteExperimentTree(db, e.id)));
  }
  dirs.push(...(await resourceDirs(db, 'subject_id', subjectId)));
  await deleteSubjectRow(db, subjectId);
  return dirs;
}

/** Experiments of these subjects owned by another project: deleting the subjects would destroy that project's data. */
export async function foreignExperimentsOf(db: Db, subjectId: string, ownerProjectId: string): Promise<{ id: string; projectId: string }[]> {
  return (await listExperimentIdsOfSubject(db, subjectId)).filter((e) => e.projectId !== ownerProjectId);
}

/** Deletes everything a project owns; items merely shared into it lose their share rows with the project row. */
export async function deleteProjectData(db: Db, projectId: string): Promise<string[]> {
  const dirs: string[] = [];
  for (const id of await listExperimentIdsOwnedBy(db, projectId)) {
    const stillThere = await db.selectFrom('experiment').select('id').where('id', '=', id).executeTakeFirst();
    if (stillThere) dirs.push(...(await deleteExperimentTree(db, id)));
  }
  for (const subjectId of await listSubjectIdsOwnedBy(db, projectId)) {
    const foreign = await foreignExperimentsOf(db, subjectId, projectId);
    if (foreign.length > 0) {
      throw conflict(`Subject ${subjectId} of project ${projectId} has experiments owned by project ${foreign[0]!.projectId} (${foreign.map((f) => f.id).join(', ')}); delete or move them first`);
    }
    dirs.push(...(await deleteSubjectTree(db, subjectId)));
  }
  dirs.push(...(await resourceDirs(db, 'project_id', projectId)));
  return dirs;
}

/**
 * Unshares an experiment from a project together with its assessors shared there (they would be
 * left without their session); refuses when the project owns one of its assessors. Returns the
 * assessors unshared with it.
 */
export async function unshareExperimentTree(db: Db, experimentId: string, projectId: string, what: string): Promise<string[]> {
  const assessors = await listAssessorsIn(db, experimentId, projectId);
  const owned = assessors.filter((a) => !a.isShared);
  if (owned.length > 0) {
    throw conflict(`Project ${projectId} owns assessors of ${what} (${owned.map((a) => a.label).join(', ')}): unsharing would orphan them; delete or move them first`);
  }
  for (const a of assessors) await deleteExperimentShare(db, a.id, projectId);
  await deleteExperimentShare(db, experimentId, projectId);
  return assessors.map((a) => a.id);
}
