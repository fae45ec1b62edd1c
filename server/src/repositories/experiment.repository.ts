import type { Selectable } from 'kysely';
import type { Db } from '../db/database.js';
import type { ExperimentTable } from '../db/tables/experiment.table.js';
import { EXPERIMENT_FIELDS } from '../domain/fields.js';
import type { Experiment, FieldValues, InProject, ProjectLabel } from '../domain/entities.js';
import type { FieldChanges } from '../domain/field-values.js';
import { bool, columnsFromFields, fieldsFromRow, now } from './field-columns.js';
import { filterExpression, splitLabelFilters, type ColumnFilter, type Page } from './listing.js';

const toExperiment = (r: Selectable<ExperimentTable>): Experiment => ({
  id: r.id, projectId: r.project_id, subjectId: r.subject_id, label: r.label, xsiType: r.xsi_type,
  imageSessionId: r.image_session_id, fields: fieldsFromRow(EXPERIMENT_FIELDS, r),
  createdAt: r.created_at, createdBy: r.created_by, updatedAt: r.updated_at,
});

/** An experiment in a listing: as seen from one project, with its subject's label there. */
export interface ExperimentListRow extends InProject<Experiment> {
  readonly subjectLabel: string;
}

type InProjectRow = Selectable<ExperimentTable> & { in_project: string; in_label: string; in_shared: number; in_subject_label: string | null };
const toRow = (r: InProjectRow): ExperimentListRow => ({
  item: toExperiment(r), projectId: r.in_project, label: r.in_label, isShared: bool(r.in_shared), subjectLabel: r.in_subject_label ?? '',
});

function inProjectQuery(db: Db, projectId: string) {
  return db.selectFrom('experiment_label as el').innerJoin('experiment', 'experiment.id', 'el.experiment_id')
    .leftJoin('subject_label as ssl', (join) => join.onRef('ssl.subject_id', '=', 'experiment.subject_id').on('ssl.project_id', '=', projectId))
    .selectAll('experiment')
    .select(['el.project_id as in_project', 'el.label as in_label', 'el.is_shared as in_shared', 'ssl.label as in_subject_label'])
    .where('el.project_id', '=', projectId);
}

export async function findExperimentById(db: Db, id: string): Promise<Experiment | undefined> {
  const row = await db.selectFrom('experiment').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toExperiment(row);
}

/**
 * The experiment as project P knows it. Under a subject XNAT tries the label first; under
 * /projects/P/experiments it tries the ID first (xnat-api.md §1.2).
 */
export async function findExperimentInProject(db: Db, projectId: string, key: string, order: 'labelFirst' | 'idFirst'): Promise<ExperimentListRow | undefined> {
  const byLabel = () => inProjectQuery(db, projectId).where('el.label', '=', key).executeTakeFirst();
  const byId = () => inProjectQuery(db, projectId).where('el.experiment_id', '=', key).executeTakeFirst();
  const row = order === 'labelFirst' ? (await byLabel()) ?? (await byId()) : (await byId()) ?? (await byLabel());
  return row && toRow(row);
}

export interface ExperimentListFilter {
  readonly subjectId?: string;
  /** Only these xsiTypes. */
  readonly xsiTypes?: readonly string[];
  /** Only assessors of this session. */
  readonly imageSessionId?: string;
  /** Leave out image assessors (they are listed under their session). */
  readonly excludeAssessors?: boolean;
  readonly columns?: readonly ColumnFilter[];
}

export async function listExperimentsInProject(db: Db, projectId: string, filter: ExperimentListFilter, page: Page): Promise<ExperimentListRow[]> {
  let q = inProjectQuery(db, projectId).orderBy('el.label').limit(page.limit);
  if (filter.subjectId) q = q.where('experiment.subject_id', '=', filter.subjectId);
  if (filter.xsiTypes) q = q.where('experiment.xsi_type', 'in', filter.xsiTypes as string[]);
  if (filter.imageSessionId) q = q.where('experiment.image_session_id', '=', filter.imageSessionId);
  if (filter.excludeAssessors) q = q.where('experiment.image_session_id', 'is', null);
  const { label, other } = splitLabelFilters(filter.columns ?? []);
  if (label.length > 0) q = q.where((eb) => filterExpression(eb, 'el', label));
  if (other.length > 0) q = q.where((eb) => filterExpression(eb, 'experiment', other));
  if (page.after !== undefined) q = q.where('el.label', '>', page.after);
  if (page.offset) q = q.offset(page.offset);
  return (await q.execute()).map(toRow);
}

/** Owner-view listing of experiments readable through any of `projectIds` (undefined: all). */
export async function listExperiments(db: Db, projectIds: readonly string[] | undefined, filter: ExperimentListFilter, page: Page): Promise<ExperimentListRow[]> {
  if (projectIds && projectIds.length === 0) return [];
  let q = db.selectFrom('experiment').innerJoin('subject', 'subject.id', 'experiment.subject_id')
    .selectAll('experiment')
    .select(['experiment.project_id as in_project', 'experiment.label as in_label', 'subject.label as in_subject_label'])
    .orderBy('experiment.id').limit(page.limit);
  if (projectIds) {
    q = q.where((eb) => eb.exists(eb.selectFrom('experiment_label as el').select('el.experiment_id')
      .whereRef('el.experiment_id', '=', 'experiment.id').where('el.project_id', 'in', projectIds as string[])));
  }
  if (filter.subjectId) q = q.where('experiment.subject_id', '=', filter.subjectId);
  if (filter.xsiTypes) q = q.where('experiment.xsi_type', 'in', filter.xsiTypes as string[]);
  if (filter.imageSessionId) q = q.where('experiment.image_session_id', '=', filter.imageSessionId);
  if (filter.columns?.length) q = q.where((eb) => filterExpression(eb, 'experiment', filter.columns!));
  if (page.after !== undefined) q = q.where('experiment.id', '>', page.after);
  if (page.offset) q = q.offset(page.offset);
  return (await q.execute()).map((r) => toRow({ ...r, in_shared: 0 }));
}

export interface NewExperiment {
  id: string; projectId: string; subjectId: string; label: string; xsiType: string; imageSessionId: string | null;
  fields: FieldValues; createdBy: string;
}

const EMPTY_FIELDS = Object.fromEntries(EXPERIMENT_FIELDS.map((d) => [d.column, null])) as Record<string, null>;

export async function insertExperiment(db: Db, e: NewExperiment): Promise<Experiment> {
  const at = now();
  const row = await db.insertInto('experiment').values({
    ...EMPTY_FIELDS,
    ...columnsFromFields(EXPERIMENT_FIELDS, e.fields),
    id: e.id, project_id: e.projectId, subject_id: e.subjectId, label: e.label, xsi_type: e.xsiType, image_session_id: e.imageSessionId,
    created_at: at, created_by: e.createdBy, updated_at: at,
  } as never).returningAll().executeTakeFirstOrThrow();
  await db.insertInto('experiment_label').values({ experiment_id: e.id, project_id: e.projectId, label: e.label, is_shared: 0, created_at: at }).execute();
  return toExperiment(row);
}

export async function updateExperimentFields(db: Db, id: string, changes: FieldChanges): Promise<void> {
  await db.updateTable('experiment').set({ ...columnsFromFields(EXPERIMENT_FIELDS, changes), updated_at: now() }).where('id', '=', id).execute();
}

export async function moveExperimentToSubject(db: Db, id: string, subjectId: string): Promise<void> {
  await db.updateTable('experiment').set({ subject_id: subjectId, updated_at: now() }).where('id', '=', id).execute();
}

export async function relabelExperiment(db: Db, id: string, projectId: string, label: string): Promise<void> {
  await db.updateTable('experiment_label').set({ label }).where('experiment_id', '=', id).where('project_id', '=', projectId).execute();
  await db.updateTable('experiment').set({ label, updated_at: now() }).where('id', '=', id).where('project_id', '=', projectId).execute();
}

export async function deleteExperimentRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom('experiment').where('id', '=', id).execute();
}

export async function listExperimentProjects(db: Db, id: string): Promise<ProjectLabel[]> {
  const rows = await db.selectFrom('experiment_label').select(['project_id', 'label', 'is_shared'])
    .where('experiment_id', '=', id).orderBy('is_shared').orderBy('created_at').orderBy('project_id').execute();
  return rows.map((r) => ({ projectId: r.project_id, label: r.label, isShared: bool(r.is_shared) }));
}

export async function insertExperimentShare(db: Db, id: string, projectId: string, label: string): Promise<void> {
  await db.insertInto('experiment_label').values({ experiment_id: id, project_id: projectId, label, is_shared: 1, created_at: now() }).execute();
}

export async function deleteExperimentShare(db: Db, id: string, projectId: string): Promise<void> {
  await db.deleteFrom('experiment_label').where('experiment_id', '=', id).where('project_id', '=', projectId).where('is_shared', '=', 1).execute();
}

export async function isExperimentLabelTaken(db: Db, projectId: string, label: string): Promise<boolean> {
  const row = await db.selectFrom('experiment_label').select('experiment_id').where('project_id', '=', projectId).where('label', '=', label).executeTakeFirst();
  return row !== undefined;
}

/** IDs of experiments of a subject (any owner), assessors last so sessions are deleted after them. */
export async function listExperimentIdsOfSubject(db: Db, subjectId: string): Promise<{ id: string; projectId: string }[]> {
  const rows = await db.selectFrom('experiment').select(['id', 'project_id', 'image_session_id']).where('subject_id', '=', subjectId).execute();
  return rows.sort((a, b) => Number(b.image_session_id !== null) - Number(a.image_session_id !== null)).map((r) => ({ id: r.id, projectId: r.project_id }));
}

export async function listAssessorIdsOf(db: Db, sessionId: string): Promise<string[]> {
  const rows = await db.selectFrom('experiment').select('id').where('image_session_id', '=', sessionId).execute();
  return rows.map((r) => r.id);
}

export async function listExperimentIdsOwnedBy(db: Db, projectId: string): Promise<string[]> {
  const rows = await db.selectFrom('experiment').select(['id', 'image_session_id']).where('project_id', '=', projectId).execute();
  return rows.sort((a, b) => Number(b.image_session_id !== null) - Number(a.image_session_id !== null)).map((r) => r.id);
}

/** Sessions and other experiments (not image assessors) of each subject as project P sees them: owned by or shared into P. */
export async function countExperimentsPerSubject(db: Db, projectId: string, subjectIds: readonly string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (let i = 0; i < subjectIds.length; i += 500) {
    const chunk = subjectIds.slice(i, i + 500) as string[];
    const rows = await db.selectFrom('experiment_label as el').innerJoin('experiment', 'experiment.id', 'el.experiment_id')
      .select(['experiment.subject_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('el.project_id', '=', projectId).where('experiment.subject_id', 'in', chunk).where('experiment.image_session_id', 'is', null)
      .groupBy('experiment.subject_id').execute();
    for (const r of rows) out.set(r.subject_id, Number(r.n));
  }
  return out;
}
