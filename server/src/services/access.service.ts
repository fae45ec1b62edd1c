import type { Kysely } from 'kysely';
import type { DB } from '../db/database.js';
import { hasRight, hasRightOnShared, projectAccess, type ProjectAccess, type Right } from '../domain/access.js';
import type { Actor } from '../domain/actor.js';
import type { Project, ProjectRole } from '../domain/entities.js';
import { AppError, notFound } from '../domain/errors.js';
import { findProject, findRole, listOpenProjectIds, listRolesOfUser } from '../repositories/project.repository.js';

/** A project together with what the actor may do in it. */
export interface ProjectGrant {
  readonly project: Project;
  readonly access: ProjectAccess;
}

/**
 * The one place that decides what an actor may do. Every service asks here before reading or
 * changing anything, so no route can forget a check.
 */
export class AccessService {
  constructor(private readonly db: Kysely<DB>) {}

  /** Access to many projects at once, with one query for the actor's roles. */
  async accessToAll(actor: Actor, projects: readonly Project[]): Promise<Map<string, ProjectAccess>> {
    const roles = actor.kind === 'user' && !actor.isAdmin ? await listRolesOfUser(this.db, actor.userId) : new Map<string, ProjectRole>();
    const isAdmin = actor.kind === 'user' && actor.isAdmin;
    return new Map(projects.map((p) => [p.id, projectAccess(isAdmin, roles.get(p.id), p.accessibility)]));
  }

  async accessTo(actor: Actor, project: Project): Promise<ProjectAccess> {
    if (actor.kind === 'guest') return projectAccess(false, undefined, project.accessibility);
    const role = actor.isAdmin ? undefined : await findRole(this.db, project.id, actor.userId);
    return projectAccess(actor.isAdmin, role, project.accessibility);
  }

  /**
   * Finds a project by ID or alias and checks one right. A project the actor may not even see is
   * reported as missing (404) so private project names do not leak; a visible one without the right
   * is 403 (401 for anonymous users, who might have the right once logged in).
   */
  async requireProject(actor: Actor, idOrAlias: string, right: Right): Promise<ProjectGrant> {
    const project = await findProject(this.db, idOrAlias);
    if (!project) throw notFound(`Unable to identify project: ${idOrAlias}`);
    const access = await this.accessTo(actor, project);
    if (!hasRight(access, 'see')) throw notFound(`Unable to identify project: ${idOrAlias}`);
    if (!hasRight(access, right)) throw denied(actor, `You do not have ${describe(right)} in project ${project.id}`);
    return { project, access };
  }

  /** Checks a right on an item seen through a project, where shared items are read-only. */
  requireOnItem(actor: Actor, grant: ProjectGrant, isShared: boolean, right: Right, what: string, ownerProjectId: string): void {
    if (isShared && !hasRightOnShared(grant.access, right)) {
      if (!hasRight(grant.access, 'read')) throw denied(actor, `You do not have ${describe(right)} in project ${grant.project.id}`);
      throw new AppError('forbidden', `${what} is shared into project ${grant.project.id} from project ${ownerProjectId} and cannot be changed here; change it through project ${ownerProjectId}`);
    }
    if (!hasRight(grant.access, right)) throw denied(actor, `You do not have ${describe(right)} in project ${grant.project.id}`);
  }

  /** Projects whose data the actor may read; undefined means every project (site admins). */
  async readableProjectIds(actor: Actor): Promise<string[] | undefined> {
    if (actor.kind === 'user' && actor.isAdmin) return undefined;
    const open = await listOpenProjectIds(this.db, false);
    if (actor.kind === 'guest') return open;
    const roles = await listRolesOfUser(this.db, actor.userId);
    return [...new Set([...roles.keys(), ...open])];
  }

  /** Projects the actor may see listed (readable ones plus protected ones); undefined means all. */
  async visibleProjectIds(actor: Actor): Promise<string[] | undefined> {
    if (actor.kind === 'user' && actor.isAdmin) return undefined;
    const open = await listOpenProjectIds(this.db, true);
    if (actor.kind === 'guest') return open;
    const roles = await listRolesOfUser(this.db, actor.userId);
    return [...new Set([...roles.keys(), ...open])];
  }

  /** The actor's role in each project they belong to (for listings that show it). */
  async rolesOf(actor: Actor): Promise<Map<string, string>> {
    if (actor.kind === 'guest') return new Map();
    return listRolesOfUser(this.db, actor.userId);
  }
}

function describe(right: Right): string {
  switch (right) {
    case 'see': case 'read': return 'read access';
    case 'create': return 'permission to add data';
    case 'edit': return 'permission to edit data';
    case 'delete': return 'permission to delete data';
    case 'manage': return 'owner rights';
  }
}

function denied(actor: Actor, message: string): AppError {
  return actor.kind === 'guest' ? new AppError('unauthenticated', 'The request requires user authentication') : new AppError('forbidden', message);
}
