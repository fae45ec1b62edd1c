import { call, enc, getRows } from './http.ts';

export type Group = 'owner' | 'member' | 'collaborator';
export const GROUPS: readonly { id: Group; label: string }[] = [
  { id: 'owner', label: 'Owners' }, { id: 'member', label: 'Members' }, { id: 'collaborator', label: 'Collaborators' },
];

export interface Member {
  readonly login: string;
  readonly name: string;
  readonly email: string;
  readonly group: Group;
}

export async function listMembers(project: string, signal?: AbortSignal): Promise<Member[]> {
  const rows = await getRows(`/data/projects/${enc(project)}/users`, {}, signal);
  const order = (g: Group) => GROUPS.findIndex((x) => x.id === g);
  return rows.map((r) => ({
    login: r.login ?? '', name: [r.firstname, r.lastname].filter(Boolean).join(' '), email: r.email ?? '',
    group: (r.GROUP_ID ?? '').slice((r.GROUP_ID ?? '').lastIndexOf('_') + 1) as Group,
  })).sort((a, b) => order(a.group) - order(b.group) || a.login.localeCompare(b.login));
}

export async function addMember(project: string, group: Group, login: string): Promise<void> {
  await call('PUT', `/data/projects/${enc(project)}/users/${group}/${enc(login)}`);
}

export async function removeMember(project: string, group: Group, login: string): Promise<void> {
  await call('DELETE', `/data/projects/${enc(project)}/users/${group}/${enc(login)}`);
}

export interface UserEntry {
  readonly login: string;
  readonly name: string;
}

/** The site's user directory (any logged-in user may read it), for adding people to a project. */
export async function listUsers(signal?: AbortSignal): Promise<UserEntry[]> {
  const rows = await getRows('/data/users', {}, signal);
  return rows.map((r) => ({ login: r.login ?? '', name: [r.firstname, r.lastname].filter(Boolean).join(' ') })).sort((a, b) => a.login.localeCompare(b.login));
}
