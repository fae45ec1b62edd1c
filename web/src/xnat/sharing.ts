import { call, enc, getRows } from './http.ts';

/** One row of an item's Projects tab: the owner project first, then each project it is shared into. */
export interface ProjectShare {
  readonly project: string;
  readonly name: string;
  readonly label: string;
  readonly isOwner: boolean;
}

async function shares(path: string, signal?: AbortSignal): Promise<ProjectShare[]> {
  const rows = await getRows(`${path}/projects`, {}, signal);
  return rows.map((r, i) => ({ project: r.ID ?? '', name: r.Name || r.Secondary_ID || r.ID || '', label: r.label ?? '', isOwner: i === 0 }));
}

const subjectPath = (project: string, subject: string) => `/data/projects/${enc(project)}/subjects/${enc(subject)}`;
const sessionPath = (project: string, subject: string, session: string) => `${subjectPath(project, subject)}/experiments/${enc(session)}`;

export function subjectShares(project: string, subject: string, signal?: AbortSignal) {
  return shares(subjectPath(project, subject), signal);
}

export function sessionShares(project: string, session: string, signal?: AbortSignal) {
  return shares(`/data/projects/${enc(project)}/experiments/${enc(session)}`, signal);
}

/** Shares a subject into a project under a label there (xnat-api.md §4.1). */
export async function shareSubject(project: string, subject: string, destination: string, label: string): Promise<void> {
  await call('PUT', `${subjectPath(project, subject)}/projects/${enc(destination)}`, { query: { label, format: 'json' } });
}

/** Shares one experiment of the subject into a project under a label there (its scans go along). */
export async function shareSession(project: string, subject: string, session: string, destination: string, label: string): Promise<void> {
  await call('PUT', `${sessionPath(project, subject, session)}/projects/${enc(destination)}`, { query: { label, format: 'json' } });
}
