import type { Accessibility, ProjectRole } from './entities.js';

/**
 * What one actor may do in one project (xnat-api.md §5): Owners create/read/edit/delete and manage
 * the project; Members create/read/edit; Collaborators read; public projects give everyone read;
 * protected projects let everyone see the project record but not its data; private projects are
 * invisible to non-members (so refusals there are 404, not 403). Data merely shared into a project
 * is read-only for every role there.
 */
export type ProjectAccess = 'admin' | ProjectRole | 'public' | 'protected' | 'none';

export type Right = 'see' | 'read' | 'create' | 'edit' | 'delete' | 'manage';

export function projectAccess(isAdmin: boolean, role: ProjectRole | undefined, accessibility: Accessibility): ProjectAccess {
  if (isAdmin) return 'admin';
  if (role) return role;
  if (accessibility === 'public') return 'public';
  if (accessibility === 'protected') return 'protected';
  return 'none';
}

const RIGHTS: Record<ProjectAccess, readonly Right[]> = {
  admin: ['see', 'read', 'create', 'edit', 'delete', 'manage'],
  owner: ['see', 'read', 'create', 'edit', 'delete', 'manage'],
  member: ['see', 'read', 'create', 'edit'],
  collaborator: ['see', 'read'],
  public: ['see', 'read'],
  protected: ['see'],
  none: [],
};

export function hasRight(access: ProjectAccess, right: Right): boolean {
  return RIGHTS[access].includes(right);
}

/** Rights on an item that is only shared into the project: reading, nothing else. */
export function hasRightOnShared(access: ProjectAccess, right: Right): boolean {
  return (right === 'see' || right === 'read') && hasRight(access, right);
}
