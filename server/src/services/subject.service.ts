import type { Kysely } from 'kysely';
import type { DB } from '../db/database.js';
import { isUniqueViolation } from '../db/db-errors.js';
import { withTransaction } from '../db/transaction.js';
import type { Actor } from '../domain/actor.js';
import { loginOf } from '../domain/actor.js';
import type { InProject, ProjectLabel, Subject } from '../domain/entities.js';
import { conflict } from '../domain/errors.js';
import { applyChanges, type FieldChanges } from '../domain/field-values.js';
import { checkLabel } from '../domain/names.js';
import type { FileStore } from '../archive/file-store.js';
import type { ColumnFilter, Page } from '../repositories/listing.js';
import { findProject } from '../repositories/project.repository.js';
import {
  deleteSubjectShare, findSubjectById, insertSubject, isSubjectLabelTaken, listSubjects, listSubjectsInProject,
  listSubjectProjects, relabelSubject, updateSubjectFields,
} from '../repositories/subject.repository.js';
import { countExperimentsPerSubject, deleteExperimentShare, listExperimentIdsOfSubject, listExperimentProjects } from '../repositories/experiment.repository.js';
import type { AccessService, ProjectGrant } from './access.service.js';
import type { AccessionIds } from './accession-ids.js';
import { audit } from './audit.js';
import { deleteSubjectTree, foreignExperimentsOf } from './data-deletion.js';
import type { Located, Locator, SubjectRef } from './locator.js';

export interface SubjectPut {
  /** New label (`?label=`): renames an existing subject, or labels a new one. */
  readonly label?: string;
  readonly fields: FieldChanges;
  readonly reason?: string;
}

export interface ProjectShareRow extends ProjectLabel {
  readonly secondaryId: string;
  readonly name: string;
}

export class SubjectService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly access: AccessService,
    private readonly locator: Locator,
    private readonly files: FileStore,
    private readonly ids: AccessionIds,
  ) {}

  /** Subjects owned by or shared into a project, with their labels there. */
  async listInProject(actor: Actor, projectId: string, page: Page, filters: readonly ColumnFilter[] = []): Promise<{ grant: ProjectGrant; rows: InProject<Subject>[] }> {
    const grant = await this.access.requireProject(actor, projectId, 'read');
    return { grant, rows: await listSubjectsInProject(this.db, grant.project.id, page, filters) };
  }

  /** How many experiments (sessions, not assessors) each subject has in the project, owned there or shared into it. */
  async experimentCounts(actor: Actor, projectId: string, subjectIds: readonly string[]): Promise<Map<string, number>> {
    const grant = await this.access.requireProject(actor, projectId, 'read');
    return countExperimentsPerSubject(this.db, grant.project.id, subjectIds);
  }

  /** Every subject the actor can read, under its owner label. */
  async listAll(actor: Actor, page: Page, filters: readonly ColumnFilter[] = []): Promise<Subject[]> {
    return listSubjects(this.db, await this.access.readableProjectIds(actor), page, filters);
  }

  get(actor: Actor, ref: SubjectRef): Promise<Located<Subject>> {
    return this.locator.subject(actor, ref, 'read');
  }

  /**
   * XNAT's PUT on a subject URL: creates it (201 + ID) when the project has no such label or ID,
   * else updates its fields, or renames it when `label` differs.
   */
  async put(actor: Actor, ref: Required<SubjectRef>, input: SubjectPut): Promise<{ subject: Subject; created: boolean }> {
    const grant = await this.access.requireProject(actor, ref.project, 'see');
    const existing = await this.locator.subject(actor, ref, 'see').catch((e: { code?: string }) => {
      if (e.code === 'not_found') return undefined;
      throw e;
    });
    if (!existing) {
      const label = checkLabel('subject label', input.label ?? ref.subject);
      return { subject: await this.create(actor, grant, label, input), created: true };
    }
    if (input.label !== undefined && input.label !== existing.label) {
      return { subject: await this.rename(actor, existing, input.label, input.reason), created: false };
    }
    this.access.requireOnItem(actor, existing.grant, existing.isShared, 'edit', `Subject ${existing.label}`, existing.item.projectId);
    if (Object.keys(input.fields).length > 0) {
      await withTransaction(this.db, async (trx) => {
        await updateSubjectFields(trx, existing.item.id, input.fields);
        await audit(trx, actor, { action: 'update', entityType: 'subject', entityId: existing.item.id, projectId: existing.item.projectId, label: existing.item.label, reason: input.reason, details: { fields: input.fields } });
      });
    }
    return { subject: (await findSubjectById(this.db, existing.item.id)) as Subject, created: false };
  }

  /** Creates a subject owned by the project (which needs create rights there). */
  async create(actor: Actor, grant: ProjectGrant, label: string, input: Omit<SubjectPut, 'label'>): Promise<Subject> {
    this.access.requireOnItem(actor, grant, false, 'create', `Project ${grant.project.id}`, grant.project.id);
    checkLabel('subject label', label);
    try {
      return await withTransaction(this.db, async (trx) => {
        if (await isSubjectLabelTaken(trx, grant.project.id, label)) throw conflict(`Subject label '${label}' is already used in project ${grant.project.id}`);
        const id = await this.ids.next(trx, 'subject');
        const subject = await insertSubject(trx, { id, projectId: grant.project.id, label, fields: applyChanges({}, input.fields), createdBy: loginOf(actor) });
        await audit(trx, actor, { action: 'create', entityType: 'subject', entityId: id, projectId: grant.project.id, label, reason: input.reason });
        return subject;
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw conflict(`Subject label '${label}' is already used in project ${grant.project.id}`);
      throw e;
    }
  }

  /** Renames the subject in the project it was found through (its share label, or its owner label). */
  async rename(actor: Actor, located: Located<Subject>, rawLabel: string, reason?: string): Promise<Subject> {
    const label = checkLabel('subject label', rawLabel);
    // A share label belongs to the destination project, so its owners may change it; owner labels need edit rights.
    if (located.isShared) this.access.requireOnItem(actor, located.grant, false, 'delete', `Subject ${located.label}`, located.grant.project.id);
    else this.access.requireOnItem(actor, located.grant, false, 'edit', `Subject ${located.label}`, located.item.projectId);
    const projectId = located.grant.project.id;
    try {
      await withTransaction(this.db, async (trx) => {
        if (await isSubjectLabelTaken(trx, projectId, label)) throw conflict(`Subject label '${label}' is already used in project ${projectId}`);
        await relabelSubject(trx, located.item.id, projectId, label);
        await audit(trx, actor, { action: 'rename', entityType: 'subject', entityId: located.item.id, projectId, label, reason, details: { from: located.label, to: label } });
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw conflict(`Subject label '${label}' is already used in project ${projectId}`);
      throw e;
    }
    return (await findSubjectById(this.db, located.item.id)) as Subject;
  }

  /**
   * Deleting through the owner project deletes the subject everywhere; deleting through a project
   * it is only shared into unshares it (and its experiments shared there) from that project.
   */
  async delete(actor: Actor, ref: SubjectRef, options: { removeFiles: boolean; reason?: string }): Promise<'deleted' | 'unshared'> {
    const located = await this.locator.subject(actor, ref, 'see');
    const projectId = located.grant.project.id;
    if (located.isShared) {
      this.access.requireOnItem(actor, located.grant, false, 'delete', `Subject ${located.label}`, projectId);
      await withTransaction(this.db, async (trx) => {
        const experiments = await listExperimentIdsOfSubject(trx, located.item.id);
        const owned = experiments.filter((e) => e.projectId === projectId);
        if (owned.length > 0) {
          throw conflict(`This operation would delete experiments of project ${projectId} (${owned.map((e) => e.id).join(', ')}) rather than unshare; delete or move them first`);
        }
        for (const e of experiments) {
          if ((await listExperimentProjects(trx, e.id)).some((p) => p.projectId === projectId)) await deleteExperimentShare(trx, e.id, projectId);
        }
        await deleteSubjectShare(trx, located.item.id, projectId);
        await audit(trx, actor, { action: 'unshare', entityType: 'subject', entityId: located.item.id, projectId, label: located.label, reason: options.reason, details: { owner: located.item.projectId } });
      });
      return 'unshared';
    }
    this.access.requireOnItem(actor, located.grant, false, 'delete', `Subject ${located.label}`, projectId);
    const dirs = await withTransaction(this.db, async (trx) => {
      const foreign = await foreignExperimentsOf(trx, located.item.id, located.item.projectId);
      if (foreign.length > 0) {
        throw conflict(`Subject ${located.label} has experiments owned by project ${foreign[0]!.projectId} (${foreign.map((f) => f.id).join(', ')}); they must be deleted or moved first`);
      }
      const removed = await deleteSubjectTree(trx, located.item.id);
      await audit(trx, actor, { action: 'delete', entityType: 'subject', entityId: located.item.id, projectId, label: located.label, reason: options.reason, details: { removeFiles: options.removeFiles } });
      return removed;
    });
    if (options.removeFiles) for (const dir of dirs) await this.files.removeDir(dir);
    return 'deleted';
  }

  /** The subject's sharing table: owner project first, then each project it is shared into. */
  async projects(actor: Actor, ref: SubjectRef): Promise<ProjectShareRow[]> {
    const located = await this.locator.subject(actor, ref, 'read');
    return withProjectNames(this.db, await listSubjectProjects(this.db, located.item.id));
  }
}

export async function withProjectNames(db: Kysely<DB>, rows: ProjectLabel[]): Promise<ProjectShareRow[]> {
  const out: ProjectShareRow[] = [];
  for (const row of rows) {
    const project = await findProject(db, row.projectId);
    out.push({ ...row, secondaryId: project?.fields.secondary_ID ?? '', name: project?.fields.name ?? '' });
  }
  return out;
}
