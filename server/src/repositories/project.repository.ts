import type { Selectable } from 'kysely';
import type { Db } from '../db/database.js';
import type { ProjectTable } from '../db/tables/project.table.js';
import { PROJECT_FIELDS } from '../domain/fields.js';
import type { Accessibility, FieldValues, PrearchiveCode, Project, ProjectRole } from '../domain/entities.js';
import type { FieldChanges } from '../domain/field-values.js';
import { bool, columnsFromFields, fieldsFromRow, int, now } from './field-columns.js';

const toProject = (r: Selectable<ProjectTable>, aliases: string[]): Project => ({
  id: r.id,
  fields: fieldsFromRow(PROJECT_FIELDS, r),
  accessibility: r.accessibility as Accessibility,
  prearchiveCode: r.prearchive_code as PrearchiveCode,
  quarantineCode: r.quarantine_code === 1 ? 1 : 0,
  allowSubjectCreation: bool(r.allow_subject_creation),
  aliases,
  createdAt: r.created_at,
  createdBy: r.created_by,
  updatedAt: r.updated_at,
});

/** Finds a project by ID or alias (XNAT's getProjectByIDorAlias); IDs win over aliases. */
export async function findProject(db: Db, idOrAlias: string): Promise<Project | undefined> {
  let row = await db.selectFrom('project').selectAll().where('id', '=', idOrAlias).executeTakeFirst();
  if (!row) {
    row = await db.selectFrom('project').selectAll()
      .where('id', '=', (eb) => eb.selectFrom('project_alias').select('project_id').where('alias', '=', idOrAlias))
      .executeTakeFirst();
  }
  if (!row) return undefined;
  return toProject(row, await listAliases(db, row.id));
}

export async function listAliases(db: Db, projectId: string): Promise<string[]> {
  const rows = await db.selectFrom('project_alias').select('alias').where('project_id', '=', projectId).orderBy('alias').execute();
  return rows.map((r) => r.alias);
}

/** Is this name taken by any project, as ID or alias (case-insensitively, so URLs stay unambiguous)? */
export async function findProjectUsingName(db: Db, name: string): Promise<string | undefined> {
  const lower = name.toLowerCase();
  const byId = await db.selectFrom('project').select('id').where((eb) => eb(eb.fn('lower', ['id']), '=', lower)).executeTakeFirst();
  if (byId) return byId.id;
  const byAlias = await db.selectFrom('project_alias').select('project_id').where((eb) => eb(eb.fn('lower', ['alias']), '=', lower)).executeTakeFirst();
  return byAlias?.project_id;
}

/** Projects whose title or secondary ID equals the given one (for duplicate checks). */
export async function findProjectByTitle(db: Db, column: 'name' | 'secondary_id', value: string): Promise<string | undefined> {
  const row = await db.selectFrom('project').select('id').where((eb) => eb(eb.fn('lower', [column]), '=', value.toLowerCase())).executeTakeFirst();
  return row?.id;
}

export interface ProjectListFilter {
  /** Restrict to these IDs; undefined means every project. */
  readonly ids?: readonly string[];
  readonly limit?: number;
  readonly offset?: number;
}

export async function listProjects(db: Db, filter: ProjectListFilter): Promise<Project[]> {
  if (filter.ids && filter.ids.length === 0) return [];
  let q = db.selectFrom('project').selectAll().orderBy('id');
  if (filter.ids) q = q.where('id', 'in', filter.ids as string[]);
  if (filter.limit !== undefined) q = q.limit(filter.limit).offset(filter.offset ?? 0);
  const rows = await q.execute();
  const aliasRows = rows.length === 0 ? [] : await db.selectFrom('project_alias').select(['project_id', 'alias'])
    .where('project_id', 'in', rows.map((r) => r.id)).orderBy('alias').execute();
  const aliases = new Map<string, string[]>();
  for (const a of aliasRows) aliases.set(a.project_id, [...(aliases.get(a.project_id) ?? []), a.alias]);
  return rows.map((r) => toProject(r, aliases.get(r.id) ?? []));
}

/** IDs of projects readable or visible without membership (public, or protected when `includeProtected`). */
export async function listOpenProjectIds(db: Db, includeProtected: boolean): Promise<string[]> {
  const levels = includeProtected ? ['public', 'protected'] : ['public'];
  const rows = await db.selectFrom('project').select('id').where('accessibility', 'in', levels).execute();
  return rows.map((r) => r.id);
}

export interface NewProject {
  id: string; fields: FieldValues; accessibility: Accessibility; createdBy: string;
}

export async function insertProject(db: Db, p: NewProject): Promise<void> {
  const at = now();
  await db.insertInto('project').values({
    id: p.id, secondary_id: null, name: null, description: null, keywords: null, pi_firstname: null, pi_lastname: null, note: null,
    ...columnsFromFields(PROJECT_FIELDS, p.fields),
    accessibility: p.accessibility, prearchive_code: 0, quarantine_code: 0, allow_subject_creation: 1,
    created_at: at, created_by: p.createdBy, updated_at: at,
  }).execute();
}

export interface ProjectChanges {
  fields?: FieldChanges;
  accessibility?: Accessibility;
  prearchiveCode?: PrearchiveCode;
  quarantineCode?: 0 | 1;
  allowSubjectCreation?: boolean;
}

export async function updateProject(db: Db, id: string, c: ProjectChanges): Promise<void> {
  await db.updateTable('project').set({
    ...(c.fields && columnsFromFields(PROJECT_FIELDS, c.fields)),
    ...(c.accessibility !== undefined && { accessibility: c.accessibility }),
    ...(c.prearchiveCode !== undefined && { prearchive_code: c.prearchiveCode }),
    ...(c.quarantineCode !== undefined && { quarantine_code: c.quarantineCode }),
    ...(c.allowSubjectCreation !== undefined && { allow_subject_creation: int(c.allowSubjectCreation) }),
    updated_at: now(),
  }).where('id', '=', id).execute();
}

export async function replaceAliases(db: Db, projectId: string, aliases: readonly string[]): Promise<void> {
  await db.deleteFrom('project_alias').where('project_id', '=', projectId).execute();
  if (aliases.length > 0) {
    await db.insertInto('project_alias').values(aliases.map((alias) => ({ alias, project_id: projectId }))).execute();
  }
}

export async function deleteProjectRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom('project').where('id', '=', id).execute();
}

// --- membership ---

export async function findRole(db: Db, projectId: string, userId: number): Promise<ProjectRole | undefined> {
  const row = await db.selectFrom('project_member').select('role')
    .where('project_id', '=', projectId).where('user_id', '=', userId).executeTakeFirst();
  return row?.role as ProjectRole | undefined;
}

/** Every project the user has a role in, with the role. */
export async function listRolesOfUser(db: Db, userId: number): Promise<Map<string, ProjectRole>> {
  const rows = await db.selectFrom('project_member').select(['project_id', 'role']).where('user_id', '=', userId).execute();
  return new Map(rows.map((r) => [r.project_id, r.role as ProjectRole]));
}

export interface MemberRow {
  readonly role: ProjectRole;
  readonly userId: number;
  readonly login: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly email: string;
  readonly enabled: boolean;
}

export async function listMembers(db: Db, projectId: string): Promise<MemberRow[]> {
  const rows = await db.selectFrom('project_member as m').innerJoin('user_account as u', 'u.id', 'm.user_id')
    .select(['m.role', 'u.id', 'u.login', 'u.first_name', 'u.last_name', 'u.email', 'u.enabled'])
    .where('m.project_id', '=', projectId).orderBy('m.role').orderBy('u.login').execute();
  return rows.map((r) => ({ role: r.role as ProjectRole, userId: r.id, login: r.login, firstName: r.first_name, lastName: r.last_name, email: r.email, enabled: bool(r.enabled) }));
}

export async function setRole(db: Db, projectId: string, userId: number, role: ProjectRole): Promise<void> {
  await db.deleteFrom('project_member').where('project_id', '=', projectId).where('user_id', '=', userId).execute();
  await db.insertInto('project_member').values({ project_id: projectId, user_id: userId, role, created_at: now() }).execute();
}

export async function removeRole(db: Db, projectId: string, userId: number): Promise<boolean> {
  const r = await db.deleteFrom('project_member').where('project_id', '=', projectId).where('user_id', '=', userId).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export async function countOwners(db: Db, projectId: string): Promise<number> {
  const row = await db.selectFrom('project_member').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('project_id', '=', projectId).where('role', '=', 'owner').executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Subject and experiment counts per project (owned and shared), for the home page and listings. */
export async function countsByProject(db: Db, projectIds: readonly string[]): Promise<Map<string, { subjects: number; experiments: number }>> {
  const out = new Map<string, { subjects: number; experiments: number }>();
  if (projectIds.length === 0) return out;
  for (const id of projectIds) out.set(id, { subjects: 0, experiments: 0 });
  const ids = projectIds as string[];
  const subjects = await db.selectFrom('subject_label').select(['project_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('project_id', 'in', ids).groupBy('project_id').execute();
  // Image assessors are listed under their sessions, so they are not counted as the project's experiments.
  const experiments = await db.selectFrom('experiment_label as el').innerJoin('experiment', 'experiment.id', 'el.experiment_id')
    .select(['el.project_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('el.project_id', 'in', ids).where('experiment.image_session_id', 'is', null).groupBy('el.project_id').execute();
  for (const r of subjects) out.get(r.project_id)!.subjects = Number(r.n);
  for (const r of experiments) out.get(r.project_id)!.experiments = Number(r.n);
  return out;
}
