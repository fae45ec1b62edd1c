import { ApiError, call, enc, getRows, type Row } from './http.ts';

/** What the caller may do in a project (the listing's `user_role`). */
export type Role = 'admin' | 'owner' | 'member' | 'collaborator' | 'public' | 'protected' | 'none';

export interface ProjectSummary {
  readonly id: string;
  readonly name: string;
  readonly secondaryId: string;
  readonly description: string;
  readonly keywords: string;
  readonly piFirstname: string;
  readonly piLastname: string;
  readonly accessibility: 'public' | 'protected' | 'private';
  readonly role: Role;
  readonly prearchiveCode: '0' | '4' | '5';
  readonly allowSubjectCreation: boolean;
  readonly subjectCount: number;
  readonly experimentCount: number;
  readonly aliases: readonly string[];
}

const COLUMNS = 'ID,name,secondary_ID,description,keywords,pi_firstname,pi_lastname,accessibility,user_role,prearchive_code,allow_subject_creation,subject_count,experiment_count,alias';

function toProject(r: Row): ProjectSummary {
  return {
    id: r.ID ?? '', name: r.name ?? '', secondaryId: r.secondary_ID ?? '', description: r.description ?? '', keywords: r.keywords ?? '',
    piFirstname: r.pi_firstname ?? '', piLastname: r.pi_lastname ?? '', accessibility: (r.accessibility ?? 'private') as ProjectSummary['accessibility'],
    role: (r.user_role ?? 'none') as Role, prearchiveCode: (r.prearchive_code ?? '0') as ProjectSummary['prearchiveCode'],
    allowSubjectCreation: r.allow_subject_creation !== 'false', subjectCount: Number(r.subject_count || 0), experimentCount: Number(r.experiment_count || 0),
    aliases: (r.alias ?? '').split(',').filter(Boolean),
  };
}

/** Projects whose data the user can read, with counts. */
export async function listAccessibleProjects(signal?: AbortSignal): Promise<ProjectSummary[]> {
  const projects = (await getRows('/data/projects', { accessible: 'true', columns: COLUMNS }, signal)).map(toProject);
  return projects.sort((a, b) => projectTitle(a).localeCompare(projectTitle(b), 'en', { sensitivity: 'base' }));
}

export async function getProject(id: string, signal?: AbortSignal): Promise<ProjectSummary> {
  const row = (await getRows('/data/projects', { ID: id, columns: COLUMNS }, signal))[0];
  if (!row) throw new ApiError(404, `Project ${id} does not exist, or you do not have access to it.`);
  return toProject(row);
}

/** Projects the user owns (XNAT's "ownership permission": delete rights), for Share Into. */
export async function listOwnedProjects(signal?: AbortSignal): Promise<{ id: string; name: string }[]> {
  const rows = await getRows('/data/projects', { restrict: 'delete', columns: 'ID,name,secondary_ID' }, signal);
  return rows.map((r) => ({ id: r.ID ?? '', name: r.name || r.secondary_ID || r.ID || '' })).sort((a, b) => a.id.localeCompare(b.id));
}

export const canManage = (role: Role) => role === 'owner' || role === 'admin';
export const canCreate = (role: Role) => canManage(role) || role === 'member';

export function projectTitle(p: Pick<ProjectSummary, 'id' | 'name'>): string {
  return p.name || p.id;
}

export function piName(p: Pick<ProjectSummary, 'piFirstname' | 'piLastname'>): string {
  return [p.piFirstname, p.piLastname].filter(Boolean).join(' ');
}

export async function setAccessibility(project: string, level: ProjectSummary['accessibility']): Promise<void> {
  await call('PUT', `/data/projects/${enc(project)}/accessibility/${level}`);
}

export async function setPrearchiveCode(project: string, code: ProjectSummary['prearchiveCode']): Promise<void> {
  await call('PUT', `/data/projects/${enc(project)}/prearchive_code/${code}`);
}

export async function setAllowSubjectCreation(project: string, allow: boolean): Promise<void> {
  await call('PUT', `/data/projects/${enc(project)}/allow_subject_creation/${allow}`);
}

export interface AnonScript {
  readonly contents: string;
  readonly enabled: boolean;
}

/** The project's anonymization script, or null when it has none. */
export async function getAnonScript(project: string, signal?: AbortSignal): Promise<AnonScript | null> {
  const response = await call('GET', `/data/projects/${enc(project)}/config/anon`, { query: { format: 'json', 'accept-not-found': 'true' }, signal });
  if (response.status === 204) return null;
  const row = ((await response.json()) as { ResultSet: { Result: Row[] } }).ResultSet.Result[0];
  return row ? { contents: row.contents ?? '', enabled: row.status !== 'disabled' } : null;
}

export async function putAnonScript(project: string, script: AnonScript): Promise<void> {
  await call('PUT', `/data/projects/${enc(project)}/config/anon`, {
    query: { status: script.enabled ? 'enabled' : 'disabled' }, body: script.contents, contentType: 'text/plain; charset=utf-8',
  });
}
