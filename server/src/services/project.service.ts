import type { Kysely } from 'kysely';
import type { DB } from '../db/database.js';
import { withTransaction } from '../db/transaction.js';
import { isUniqueViolation } from '../db/db-errors.js';
import { hasRight, type ProjectAccess, type Right } from '../domain/access.js';
import type { Actor } from '../domain/actor.js';
import { loginOf } from '../domain/actor.js';
import type { Accessibility, PrearchiveCode, Project, ProjectRole } from '../domain/entities.js';
import { AppError, conflict, forbidden, invalidInput, notFound } from '../domain/errors.js';
import { applyChanges, type FieldChanges } from '../domain/field-values.js';
import { checkProjectId } from '../domain/names.js';
import type { FileStore } from '../archive/file-store.js';
import {
  countOwners, countsByProject, deleteProjectRow, findProject, findProjectByTitle, findProjectUsingName, insertProject,
  listMembers, listProjects, removeRole, replaceAliases, setRole, updateProject, type MemberRow,
} from '../repositories/project.repository.js';
import { findUserByLogin, findUserById } from '../repositories/user.repository.js';
import type { AccessService, ProjectGrant } from './access.service.js';
import { audit } from './audit.js';
import { deleteProjectData } from './data-deletion.js';

export interface ProjectInput {
  readonly fields?: FieldChanges;
  readonly accessibility?: Accessibility;
  /** Replaces the aliases when given. */
  readonly aliases?: readonly string[];
  readonly reason?: string;
}

export interface ProjectListOptions {
  /** Only projects where the actor has at least this right (XNAT's `restrict=edit|delete`, `permissions=`). */
  readonly right?: Right;
  /** Only projects where the actor has exactly this role. */
  readonly role?: ProjectRole;
  /** Only these projects (IDs or aliases; XNAT's `ID=` listing filter). */
  readonly ids?: readonly string[];
  readonly limit?: number;
  readonly offset?: number;
}

export interface ProjectListItem {
  readonly project: Project;
  readonly access: ProjectAccess;
}

export class ProjectService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly access: AccessService,
    private readonly files: FileStore,
    private readonly settings: { readonly allowNonAdminProjectCreation: boolean },
  ) {}

  /** Projects the actor can see, with what they may do in each. */
  async list(actor: Actor, options: ProjectListOptions = {}): Promise<ProjectListItem[]> {
    let ids = await this.access.visibleProjectIds(actor);
    if (options.ids) {
      const wanted = (await Promise.all(options.ids.map((id) => findProject(this.db, id)))).flatMap((p) => (p ? [p.id] : []));
      ids = ids ? wanted.filter((id) => ids!.includes(id)) : wanted;
    }
    const roles = await this.access.rolesOf(actor);
    const projects = await listProjects(this.db, { ids, limit: options.limit, offset: options.offset });
    const accessById = await this.access.accessToAll(actor, projects);
    const items: ProjectListItem[] = [];
    for (const project of projects) {
      const access = accessById.get(project.id) as ProjectAccess;
      if (options.right && !hasRight(access, options.right)) continue;
      if (options.role && roles.get(project.id) !== options.role) continue;
      items.push({ project, access });
    }
    return items;
  }

  async counts(projectIds: readonly string[]) {
    return countsByProject(this.db, projectIds);
  }

  async get(actor: Actor, idOrAlias: string, right: Right = 'see'): Promise<ProjectGrant> {
    return this.access.requireProject(actor, idOrAlias, right);
  }

  /** Creates a project; the creator becomes its first Owner. */
  async create(actor: Actor, rawId: string, input: ProjectInput): Promise<Project> {
    if (actor.kind === 'guest') throw new AppError('unauthenticated', 'The request requires user authentication');
    if (!actor.isAdmin && !this.settings.allowNonAdminProjectCreation) throw forbidden('Only site administrators may create projects on this site');
    const id = checkProjectId(rawId);
    const fields = applyChanges({}, input.fields ?? {});
    fields.secondary_ID ??= id;
    fields.name ??= id;
    const aliases = [...new Set(input.aliases ?? [])].map(checkProjectId);
    try {
      await withTransaction(this.db, async (trx) => {
        const taken = await findProjectUsingName(trx, id);
        if (taken) throw conflict(taken === id ? 'Project already exists.' : `Project ID '${id}' is already used by project ${taken}`);
        await this.checkTitlesFree(trx, id, fields.name, fields.secondary_ID);
        await this.checkAliasesFree(trx, id, aliases);
        await insertProject(trx, { id, fields, accessibility: input.accessibility ?? 'private', createdBy: loginOf(actor) });
        await replaceAliases(trx, id, aliases);
        if (actor.userId > 0) await setRole(trx, id, actor.userId, 'owner');
        await audit(trx, actor, { action: 'create', entityType: 'project', entityId: id, projectId: id, label: id, reason: input.reason });
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw conflict('Project already exists.');
      throw e;
    }
    return (await findProject(this.db, id)) as Project;
  }

  /** XNAT's PUT /data/projects/{ID}: creates the project if it is new, else updates it. */
  async put(actor: Actor, id: string, input: ProjectInput): Promise<{ project: Project; created: boolean }> {
    const existing = await findProject(this.db, id);
    if (!existing) return { project: await this.create(actor, id, input), created: true };
    return { project: await this.update(actor, id, input), created: false };
  }

  async update(actor: Actor, idOrAlias: string, input: ProjectInput): Promise<Project> {
    const { project } = await this.access.requireProject(actor, idOrAlias, 'manage');
    const fields = applyChanges(project.fields, input.fields ?? {});
    await withTransaction(this.db, async (trx) => {
      if (input.fields && ('name' in input.fields || 'secondary_ID' in input.fields)) {
        await this.checkTitlesFree(trx, project.id, fields.name, fields.secondary_ID);
      }
      if (input.aliases) {
        const aliases = [...new Set(input.aliases)].map(checkProjectId);
        await this.checkAliasesFree(trx, project.id, aliases);
        await replaceAliases(trx, project.id, aliases);
      }
      await updateProject(trx, project.id, { fields: input.fields, accessibility: input.accessibility });
      await audit(trx, actor, { action: 'update', entityType: 'project', entityId: project.id, projectId: project.id, reason: input.reason, details: { fields: input.fields, accessibility: input.accessibility, aliases: input.aliases } });
    });
    return (await findProject(this.db, project.id)) as Project;
  }

  async setAccessibility(actor: Actor, idOrAlias: string, level: string): Promise<Accessibility> {
    if (!['public', 'protected', 'private'].includes(level)) throw invalidInput(`Unknown accessibility '${level}': use public, protected or private`);
    const { project } = await this.access.requireProject(actor, idOrAlias, 'manage');
    await withTransaction(this.db, async (trx) => {
      await updateProject(trx, project.id, { accessibility: level as Accessibility });
      await audit(trx, actor, { action: 'set-accessibility', entityType: 'project', entityId: project.id, projectId: project.id, details: { from: project.accessibility, to: level } });
    });
    return level as Accessibility;
  }

  /** Upload handling: 0 keep in the prearchive, 4 archive, 5 archive and overwrite (`true`/`false` mean 1/0 as in XNAT). */
  async setPrearchiveCode(actor: Actor, idOrAlias: string, raw: string): Promise<PrearchiveCode> {
    const value = raw === 'true' ? '4' : raw === 'false' ? '0' : raw;
    if (!['0', '4', '5'].includes(value)) throw invalidInput(`Invalid prearchive_code '${raw}': use 0 (prearchive), 4 (auto-archive) or 5 (auto-archive, overwrite)`);
    const { project } = await this.access.requireProject(actor, idOrAlias, 'manage');
    const code = Number(value) as PrearchiveCode;
    await withTransaction(this.db, async (trx) => {
      await updateProject(trx, project.id, { prearchiveCode: code });
      await audit(trx, actor, { action: 'update', entityType: 'project', entityId: project.id, projectId: project.id, details: { prearchiveCode: code } });
    });
    return code;
  }

  async setQuarantineCode(actor: Actor, idOrAlias: string, raw: string): Promise<0 | 1> {
    const value = raw === 'true' ? '1' : raw === 'false' ? '0' : raw;
    if (value !== '0' && value !== '1') throw invalidInput(`Invalid quarantine_code '${raw}': use 0 or 1`);
    const { project } = await this.access.requireProject(actor, idOrAlias, 'manage');
    await withTransaction(this.db, async (trx) => {
      await updateProject(trx, project.id, { quarantineCode: Number(value) as 0 | 1 });
      await audit(trx, actor, { action: 'update', entityType: 'project', entityId: project.id, projectId: project.id, details: { quarantineCode: Number(value) } });
    });
    return Number(value) as 0 | 1;
  }

  async setAllowSubjectCreation(actor: Actor, idOrAlias: string, allow: boolean): Promise<void> {
    const { project } = await this.access.requireProject(actor, idOrAlias, 'manage');
    await withTransaction(this.db, async (trx) => {
      await updateProject(trx, project.id, { allowSubjectCreation: allow });
      await audit(trx, actor, { action: 'update', entityType: 'project', entityId: project.id, projectId: project.id, details: { allowSubjectCreation: allow } });
    });
  }

  /** Deletes a project with everything it owns (shared-in items are only unshared). */
  async delete(actor: Actor, idOrAlias: string, options: { removeFiles: boolean; reason?: string }): Promise<void> {
    const { project } = await this.access.requireProject(actor, idOrAlias, 'manage');
    const dirs = await withTransaction(this.db, async (trx) => {
      const removed = await deleteProjectData(trx, project.id);
      await deleteProjectRow(trx, project.id);
      await audit(trx, actor, { action: 'delete', entityType: 'project', entityId: project.id, projectId: project.id, reason: options.reason, details: { removeFiles: options.removeFiles } });
      return removed;
    });
    if (options.removeFiles) {
      for (const dir of dirs) await this.files.removeDir(dir);
      await this.files.removeDir(project.id);
    }
  }

  // --- members ---

  async listMembers(actor: Actor, idOrAlias: string): Promise<MemberRow[]> {
    const { project } = await this.access.requireProject(actor, idOrAlias, 'read');
    return listMembers(this.db, project.id);
  }

  /** Adds users to a group, moving them out of any other group of the project. */
  async addMembers(actor: Actor, idOrAlias: string, group: string, users: readonly string[]): Promise<void> {
    const role = parseGroup(idOrAlias, group);
    const { project } = await this.access.requireProject(actor, idOrAlias, 'manage');
    const resolved = await Promise.all(users.map((u) => this.findUser(u)));
    await withTransaction(this.db, async (trx) => {
      for (const user of resolved) {
        if (role !== 'owner') await this.keepAnOwner(trx, project.id, user.id);
        await setRole(trx, project.id, user.id, role);
        await audit(trx, actor, { action: 'add-member', entityType: 'project', entityId: project.id, projectId: project.id, details: { user: user.login, role } });
      }
    });
  }

  async removeMember(actor: Actor, idOrAlias: string, group: string, login: string): Promise<void> {
    const role = parseGroup(idOrAlias, group);
    const { project } = await this.access.requireProject(actor, idOrAlias, 'manage');
    const user = await this.findUser(login);
    await withTransaction(this.db, async (trx) => {
      const members = await listMembers(trx, project.id);
      if (!members.some((m) => m.userId === user.id && m.role === role)) throw notFound(`User ${user.login} is not in the ${role} group of project ${project.id}`);
      await this.keepAnOwner(trx, project.id, user.id);
      await removeRole(trx, project.id, user.id);
      await audit(trx, actor, { action: 'remove-member', entityType: 'project', entityId: project.id, projectId: project.id, details: { user: user.login, role } });
    });
  }

  private async keepAnOwner(db: Kysely<DB> | Parameters<typeof countOwners>[0], projectId: string, userId: number): Promise<void> {
    const members = await listMembers(db, projectId);
    const isOwner = members.some((m) => m.userId === userId && m.role === 'owner');
    if (isOwner && (await countOwners(db, projectId)) === 1) {
      throw conflict(`Project ${projectId} must keep at least one owner; add another owner first`);
    }
  }

  private async findUser(loginOrId: string) {
    const user = /^\d+$/.test(loginOrId) ? await findUserById(this.db, Number(loginOrId)) : await findUserByLogin(this.db, loginOrId);
    if (!user) throw notFound(`Unknown user: ${loginOrId}`);
    if (user.login === 'guest') throw new AppError('invalid_input', 'The guest account cannot join a project');
    return user;
  }

  private async checkTitlesFree(db: Parameters<typeof findProjectByTitle>[0], id: string, name?: string, secondaryId?: string): Promise<void> {
    if (name) {
      const other = await findProjectByTitle(db, 'name', name);
      if (other && other !== id) throw conflict(`Project title '${name}' is already used by project ${other}`);
    }
    if (secondaryId) {
      const other = await findProjectByTitle(db, 'secondary_id', secondaryId);
      if (other && other !== id) throw conflict(`Project running title '${secondaryId}' is already used by project ${other}`);
    }
  }

  private async checkAliasesFree(db: Parameters<typeof findProjectUsingName>[0], id: string, aliases: readonly string[]): Promise<void> {
    for (const alias of aliases) {
      const other = await findProjectUsingName(db, alias);
      if (other && other !== id) throw conflict(`Alias '${alias}' is already used by project ${other}`);
      if (alias.toLowerCase() === id.toLowerCase()) throw invalidInput(`Alias '${alias}' is the project's own ID`);
    }
  }
}

/** Accepts XNAT's group spellings: `owner`, `Owners`, `P_owner`, `member`, `Members`, `P_member`, ... */
export function parseGroup(projectId: string, group: string): ProjectRole {
  const g = group.toLowerCase().replace(`${projectId.toLowerCase()}_`, '');
  if (g === 'owner' || g === 'owners') return 'owner';
  if (g === 'member' || g === 'members') return 'member';
  if (g === 'collaborator' || g === 'collaborators') return 'collaborator';
  throw notFound(`Unknown group '${group}': use owner, member or collaborator`);
}
