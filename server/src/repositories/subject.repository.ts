import type { Selectable } from 'kysely';
import type { Db } from '../db/database.js';
import type { SubjectTable } from '../db/tables/subject.table.js';
import { SUBJECT_FIELDS } from '../domain/fields.js';
import type { FieldValues, InProject, ProjectLabel, Subject } from '../domain/entities.js';
import type { FieldChanges } from '../domain/field-values.js';
import { bool, columnsFromFields, fieldsFromRow, now } from './field-columns.js';
import { filterExpression, splitLabelFilters, type ColumnFilter, type Page } from './listing.js';

const toSubject = (r: Selectable<SubjectTable>): Subject => ({
  id: r.id, projectId: r.project_id, label: r.label, fields: fieldsFromRow(SUBJECT_FIELDS, r),
  createdAt: r.created_at, createdBy: r.created_by, updatedAt: r.updated_at,
});

type InProjectRow = Selectable<SubjectTable> & { in_project: string; in_label: string; in_shared: number };
const toInProject = (r: InProjectRow): InProject<Subject> => ({
  item: toSubject(r), projectId: r.in_project, label: r.in_label, isShared: bool(r.in_shared),
});

function inProjectQuery(db: Db, projectId: string) {
  return db.selectFrom('subject_label as sl').innerJoin('subject', 'subject.id', 'sl.subject_id')
    .selectAll('subject')
    .select(['sl.project_id as in_project', 'sl.label as in_label', 'sl.is_shared as in_shared'])
    .where('sl.project_id', '=', projectId);
}

export async function findSubjectById(db: Db, id: string): Promise<Subject | undefined> {
  const row = await db.selectFrom('subject').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toSubject(row);
}

/** The subject as project P knows it: its label in P first, then its accession ID (xnat-api.md §1.2). */
export async function findSubjectInProject(db: Db, projectId: string, labelOrId: string): Promise<InProject<Subject> | undefined> {
  const byLabel = await inProjectQuery(db, projectId).where('sl.label', '=', labelOrId).executeTakeFirst();
  if (byLabel) return toInProject(byLabel);
  const byId = await inProjectQuery(db, projectId).where('sl.subject_id', '=', labelOrId).executeTakeFirst();
  return byId && toInProject(byId);
}

/** Case-insensitive label lookup, as XNAT's archiver matches subjects. */
export async function findSubjectByLabelIgnoringCase(db: Db, projectId: string, label: string): Promise<InProject<Subject> | undefined> {
  const row = await inProjectQuery(db, projectId).where((eb) => eb(eb.fn('lower', ['sl.label']), '=', label.toLowerCase()))
    .orderBy('sl.label').executeTakeFirst();
  return row && toInProject(row);
}

export async function listSubjectsInProject(db: Db, projectId: string, page: Page, filters: readonly ColumnFilter[] = []): Promise<InProject<Subject>[]> {
  let q = inProjectQuery(db, projectId).orderBy('sl.label').limit(page.limit);
  if (page.after !== undefined) q = q.where('sl.label', '>', page.after);
  if (page.offset) q = q.offset(page.offset);
  const { label, other } = splitLabelFilters(filters);
  if (label.length > 0) q = q.where((eb) => filterExpression(eb, 'sl', label));
  if (other.length > 0) q = q.where((eb) => filterExpression(eb, 'subject', other));
  return (await q.execute()).map(toInProject);
}

/** Owner-view listing of subjects readable through any of `projectIds` (undefined: every subject). */
export async function listSubjects(db: Db, projectIds: readonly string[] | undefined, page: Page, filters: readonly ColumnFilter[] = []): Promise<Subject[]> {
  if (projectIds && projectIds.length === 0) return [];
  let q = db.selectFrom('subject').selectAll().orderBy('id').limit(page.limit);
  if (projectIds) {
    q = q.where((eb) => eb.exists(eb.selectFrom('subject_label as sl').select('sl.subject_id')
      .whereRef('sl.subject_id', '=', 'subject.id').where('sl.project_id', 'in', projectIds as string[])));
  }
  if (page.after !== undefined) q = q.where('id', '>', page.after);
  if (page.offset) q = q.offset(page.offset);
  if (filters.length > 0) q = q.where((eb) => filterExpression(eb, 'subject', filters));
  return (await q.execute()).map(toSubject);
}

export interface NewSubject { id: string; projectId: string; label: string; fields: FieldValues; createdBy: string }

export async function insertSubject(db: Db, s: NewSubject): Promise<Subject> {
  const at = now();
  const row = await db.insertInto('subject').values({
    id: s.id, project_id: s.projectId, label: s.label,
    subject_group: null, src: null, pi_firstname: null, pi_lastname: null, note: null, dob: null, yob: null, age: null, gender: null,
    handedness: null, ses: null, education: null, education_desc: null, race: null, ethnicity: null, weight: null, height: null,
    gestational_age: null, post_menstrual_age: null, birth_weight: null,
    ...columnsFromFields(SUBJECT_FIELDS, s.fields),
    created_at: at, created_by: s.createdBy, updated_at: at,
  }).returningAll().executeTakeFirstOrThrow();
  await db.insertInto('subject_label').values({ subject_id: s.id, project_id: s.projectId, label: s.label, is_shared: 0, created_at: at }).execute();
  return toSubject(row);
}

export async function updateSubjectFields(db: Db, id: string, changes: FieldChanges): Promise<void> {
  await db.updateTable('subject').set({ ...columnsFromFields(SUBJECT_FIELDS, changes), updated_at: now() }).where('id', '=', id).execute();
}

/** Changes the subject's label in one project (the owner label too when that project owns it). */
export async function relabelSubject(db: Db, id: string, projectId: string, label: string): Promise<void> {
  await db.updateTable('subject_label').set({ label }).where('subject_id', '=', id).where('project_id', '=', projectId).execute();
  await db.updateTable('subject').set({ label, updated_at: now() }).where('id', '=', id).where('project_id', '=', projectId).execute();
}

export async function deleteSubjectRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom('subject').where('id', '=', id).execute();
}

/** The subject's sharing table: the owner project first, then each project it is shared into. */
export async function listSubjectProjects(db: Db, id: string): Promise<ProjectLabel[]> {
  const rows = await db.selectFrom('subject_label').select(['project_id', 'label', 'is_shared'])
    .where('subject_id', '=', id).orderBy('is_shared').orderBy('created_at').orderBy('project_id').execute();
  return rows.map((r) => ({ projectId: r.project_id, label: r.label, isShared: bool(r.is_shared) }));
}

export async function insertSubjectShare(db: Db, id: string, projectId: string, label: string): Promise<void> {
  await db.insertInto('subject_label').values({ subject_id: id, project_id: projectId, label, is_shared: 1, created_at: now() }).execute();
}

export async function deleteSubjectShare(db: Db, id: string, projectId: string): Promise<void> {
  await db.deleteFrom('subject_label').where('subject_id', '=', id).where('project_id', '=', projectId).where('is_shared', '=', 1).execute();
}

/** Is this label taken in the project, by an owned or a shared subject? */
export async function isSubjectLabelTaken(db: Db, projectId: string, label: string): Promise<boolean> {
  const row = await db.selectFrom('subject_label').select('subject_id').where('project_id', '=', projectId).where('label', '=', label).executeTakeFirst();
  return row !== undefined;
}

/** Subject IDs owned by a project (to delete a project's data). */
export async function listSubjectIdsOwnedBy(db: Db, projectId: string): Promise<string[]> {
  const rows = await db.selectFrom('subject').select('id').where('project_id', '=', projectId).execute();
  return rows.map((r) => r.id);
}
