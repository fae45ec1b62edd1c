import type { Kysely } from 'kysely';
import type { DB } from '../db/database.js';
import { isUniqueViolation } from '../db/db-errors.js';
import { withTransaction } from '../db/transaction.js';
import type { Actor } from '../domain/actor.js';
import { loginOf } from '../domain/actor.js';
import type { Experiment, Subject } from '../domain/entities.js';
import { conflict, invalidInput, notFound } from '../domain/errors.js';
import { applyChanges, type FieldChanges } from '../domain/field-values.js';
import { checkLabel } from '../domain/names.js';
import { findXsiType, type XsiTypeInfo } from '../domain/xsi-types.js';
import type { FileStore } from '../archive/file-store.js';
import type { Page } from '../repositories/listing.js';
import {
  findExperimentById, insertExperiment, isExperimentLabelTaken, listExperimentProjects, listExperiments,
  listExperimentsInProject, moveExperimentToSubject, relabelExperiment, updateExperimentFields,
  type ExperimentListFilter, type ExperimentListRow,
} from '../repositories/experiment.repository.js';
import { findSubjectInProject } from '../repositories/subject.repository.js';
import type { AccessService, ProjectGrant } from './access.service.js';
import type { AccessionIds } from './accession-ids.js';
import { audit } from './audit.js';
import { deleteExperimentTree, unshareExperimentTree } from './data-deletion.js';
import type { ExperimentRef, LocatedExperiment, Locator } from './locator.js';
import { withProjectNames, type ProjectShareRow, type SubjectService } from './subject.service.js';

export interface ExperimentPut {
  readonly label?: string;
  readonly xsiType?: string;
  /** Move to (or, on create, file under) this subject, by label in the project or accession ID. */
  readonly subject?: string;
  readonly fields: FieldChanges;
  readonly reason?: string;
}

export class ExperimentService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly access: AccessService,
    private readonly locator: Locator,
    private readonly subjects: SubjectService,
    private readonly files: FileStore,
    private readonly ids: AccessionIds,
  ) {}

  /** Experiments owned by or shared into a project (optionally of one subject), with their labels there. */
  async listInProject(actor: Actor, projectId: string, subject: string | undefined, filter: ExperimentListFilter, page: Page): Promise<{ grant: ProjectGrant; rows: ExperimentListRow[] }> {
    const grant = await this.access.requireProject(actor, projectId, 'read');
    let subjectId: string | undefined;
    if (subject !== undefined) {
      const found = await findSubjectInProject(this.db, grant.project.id, subject);
      if (!found) throw notFound(`Unable to identify subject ${subject} in project ${grant.project.id}`);
      subjectId = found.item.id;
    }
    return { grant, rows: await listExperimentsInProject(this.db, grant.project.id, { ...filter, subjectId }, page) };
  }

  async listAll(actor: Actor, filter: ExperimentListFilter, page: Page): Promise<ExperimentListRow[]> {
    return listExperiments(this.db, await this.access.readableProjectIds(actor), filter, page);
  }

  /** Assessors of a session, as the session's project sees them. */
  async listAssessors(actor: Actor, sessionRef: ExperimentRef, page: Page): Promise<{ session: LocatedExperiment; rows: ExperimentListRow[] }> {
    const session = await this.locator.experiment(actor, sessionRef, 'read');
    const rows = await listExperimentsInProject(this.db, session.grant.project.id, { imageSessionId: session.item.id }, page);
    return { session, rows };
  }

  get(actor: Actor, ref: ExperimentRef): Promise<LocatedExperiment> {
    return this.locator.experiment(actor, ref, 'read');
  }

  getAssessor(actor: Actor, sessionRef: ExperimentRef, assessor: string, right: 'read' | 'edit' | 'see' = 'read'): Promise<LocatedExperiment> {
    return this.locator.assessor(actor, sessionRef, assessor, right);
  }

  /**
   * XNAT's PUT on an experiment URL: creates it (201 + ID) under the subject of the URL (creating the
   * subject if the project has none by that name), or updates, renames, or moves an existing one.
   */
  async put(actor: Actor, ref: ExperimentRef & { project: string }, input: ExperimentPut): Promise<{ experiment: Experiment; created: boolean }> {
    const existing = await this.locator.experiment(actor, { project: ref.project, experiment: ref.experiment }, 'see').catch((e: { code?: string }) => {
      if (e.code === 'not_found' && !String((e as Error).message).startsWith('Unable to identify project')) return undefined;
      throw e;
    });
    if (existing) {
      if (ref.subject !== undefined) {
        const subject = await findSubjectInProject(this.db, existing.grant.project.id, ref.subject);
        if (subject && subject.item.id !== existing.item.subjectId) {
          throw conflict(`Experiment ${existing.label} already exists in project ${existing.grant.project.id} under another subject (${existing.subjectLabel})`);
        }
      }
      return { experiment: await this.update(actor, existing, input), created: false };
    }
    const grant = await this.access.requireProject(actor, ref.project, 'create');
    const subjectKey = ref.subject ?? input.subject;
    if (subjectKey === undefined) throw invalidInput('Specify the subject: create experiments under /projects/{P}/subjects/{S}/experiments/{label} or pass subject_ID');
    const type = this.creatableType(input.xsiType, 'experiment');
    const label = checkLabel('experiment label', input.label ?? ref.experiment);
    const subject = await this.subjectFor(actor, grant, subjectKey, input.reason);
    return { experiment: await this.create(actor, grant, subject, type, label, null, input), created: true };
  }

  /** Creates an image assessor of a session, owned by the project it is created through. */
  async putAssessor(actor: Actor, sessionRef: ExperimentRef, assessor: string, input: ExperimentPut): Promise<{ experiment: Experiment; created: boolean }> {
    const session = await this.locator.experiment(actor, sessionRef, 'read');
    const existing = await this.getAssessor(actor, sessionRef, assessor, 'see').catch((e: { code?: string }) => {
      if (e.code === 'not_found') return undefined;
      throw e;
    });
    if (existing) return { experiment: await this.update(actor, existing, input), created: false };
    const grant = await this.access.requireProject(actor, session.grant.project.id, 'create');
    const type = this.creatableType(input.xsiType, 'assessor');
    const label = checkLabel('assessor label', input.label ?? assessor);
    const subject = (await findSubjectInProject(this.db, grant.project.id, session.item.subjectId))?.item;
    if (!subject) throw conflict(`Session ${session.label} has no subject in project ${grant.project.id}`);
    return { experiment: await this.create(actor, grant, subject, type, label, session.item.id, input), created: true };
  }

  private creatableType(xsiType: string | undefined, kind: 'experiment' | 'assessor'): XsiTypeInfo {
    if (!xsiType) throw invalidInput('Need PUT Contents: specify the experiment type with xsiType (for example xsiType=xnat:mrSessionData)');
    const type = findXsiType(xsiType);
    if (!type) throw invalidInput(`Unknown xsiType '${xsiType}'`);
    if (kind === 'assessor' && type.kind !== 'imageAssessor') throw invalidInput(`${type.xsiType} is not an image assessor type`);
    if (kind === 'experiment' && type.kind !== 'imageSession' && type.kind !== 'subjectAssessor') {
      throw invalidInput(type.kind === 'imageAssessor'
        ? `${type.xsiType} is an assessor: create it under .../experiments/{session}/assessors/{label}`
        : `${type.xsiType} is not an experiment type`);
    }
    return type;
  }

  private async subjectFor(actor: Actor, grant: ProjectGrant, key: string, reason?: string): Promise<Subject> {
    const found = await findSubjectInProject(this.db, grant.project.id, key);
    if (found) return found.item;
    return this.subjects.create(actor, grant, checkLabel('subject label', key), { fields: {}, reason });
  }

  private async create(actor: Actor, grant: ProjectGrant, subject: Subject, type: XsiTypeInfo, label: string, imageSessionId: string | null, input: ExperimentPut): Promise<Experiment> {
    const fields = applyChanges({}, input.fields);
    if (type.kind === 'imageSession' && type.modality && !fields.modality) fields.modality = type.modality;
    const projectId = grant.project.id;
    try {
      return await withTransaction(this.db, async (trx) => {
        if (await isExperimentLabelTaken(trx, projectId, label)) throw conflict(`Experiment label '${label}' is already used in project ${projectId}`);
        const id = await this.ids.next(trx, 'experiment');
        const experiment = await insertExperiment(trx, { id, projectId, subjectId: subject.id, label, xsiType: type.xsiType, imageSessionId, fields, createdBy: loginOf(actor) });
        await audit(trx, actor, { action: 'create', entityType: 'experiment', entityId: id, projectId, label, reason: input.reason, details: { xsiType: type.xsiType, subject: subject.id } });
        return experiment;
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw conflict(`Experiment label '${label}' is already used in project ${projectId}`);
      throw e;
    }
  }

  private async update(actor: Actor, existing: LocatedExperiment, input: ExperimentPut): Promise<Experiment> {
    const item = existing.item;
    if (input.xsiType) {
      const type = findXsiType(input.xsiType);
      if (type && type.xsiType !== item.xsiType) throw conflict(`Experiment ${existing.label} is a ${item.xsiType}; its type cannot change to ${type.xsiType}`);
    }
    if (input.label !== undefined && input.label !== existing.label) return this.rename(actor, existing, input.label, input.reason);
    this.access.requireOnItem(actor, existing.grant, existing.isShared, 'edit', `Experiment ${existing.label}`, item.projectId);
    let subjectId: string | undefined;
    if (input.subject !== undefined) {
      const subject = await this.subjectFor(actor, existing.grant, input.subject, input.reason);
      if (subject.id !== item.subjectId) subjectId = subject.id;
    }
    if (Object.keys(input.fields).length > 0 || subjectId) {
      await withTransaction(this.db, async (trx) => {
        if (subjectId) await moveExperimentToSubject(trx, item.id, subjectId);
        if (Object.keys(input.fields).length > 0) await updateExperimentFields(trx, item.id, input.fields);
        await audit(trx, actor, { action: 'update', entityType: 'experiment', entityId: item.id, projectId: item.projectId, label: item.label, reason: input.reason, details: { fields: input.fields, subject: subjectId } });
      });
    }
    return (await findExperimentById(this.db, item.id)) as Experiment;
  }

  private async rename(actor: Actor, located: LocatedExperiment, rawLabel: string, reason?: string): Promise<Experiment> {
    const label = checkLabel('experiment label', rawLabel);
    if (located.isShared) this.access.requireOnItem(actor, located.grant, false, 'delete', `Experiment ${located.label}`, located.grant.project.id);
    else this.access.requireOnItem(actor, located.grant, false, 'edit', `Experiment ${located.label}`, located.item.projectId);
    const projectId = located.grant.project.id;
    try {
      await withTransaction(this.db, async (trx) => {
        if (await isExperimentLabelTaken(trx, projectId, label)) throw conflict(`Experiment label '${label}' is already used in project ${projectId}`);
        await relabelExperiment(trx, located.item.id, projectId, label);
        await audit(trx, actor, { action: 'rename', entityType: 'experiment', entityId: located.item.id, projectId, label, reason, details: { from: located.label, to: label } });
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw conflict(`Experiment label '${label}' is already used in project ${projectId}`);
      throw e;
    }
    return (await findExperimentById(this.db, located.item.id)) as Experiment;
  }

  /** Deletes through the owner project; through a project it is only shared into, unshares. */
  async delete(actor: Actor, ref: ExperimentRef, options: { removeFiles: boolean; reason?: string }): Promise<'deleted' | 'unshared'> {
    return this.deleteLocated(actor, await this.locator.experiment(actor, ref, 'see'), options);
  }

  async deleteAssessor(actor: Actor, sessionRef: ExperimentRef, assessor: string, options: { removeFiles: boolean; reason?: string }): Promise<'deleted' | 'unshared'> {
    return this.deleteLocated(actor, await this.getAssessor(actor, sessionRef, assessor, 'see'), options);
  }

  private async deleteLocated(actor: Actor, located: LocatedExperiment, options: { removeFiles: boolean; reason?: string }): Promise<'deleted' | 'unshared'> {
    const projectId = located.grant.project.id;
    if (located.isShared) {
      this.access.requireOnItem(actor, located.grant, false, 'delete', `Experiment ${located.label}`, projectId);
      await withTransaction(this.db, async (trx) => {
        const assessors = await unshareExperimentTree(trx, located.item.id, projectId, `Experiment ${located.label}`);
        await audit(trx, actor, { action: 'unshare', entityType: 'experiment', entityId: located.item.id, projectId, label: located.label, reason: options.reason, details: { owner: located.item.projectId, alsoUnshared: assessors } });
      });
      return 'unshared';
    }
    this.access.requireOnItem(actor, located.grant, false, 'delete', `Experiment ${located.label}`, projectId);
    const dirs = await withTransaction(this.db, async (trx) => {
      const removed = await deleteExperimentTree(trx, located.item.id);
      await audit(trx, actor, { action: 'delete', entityType: 'experiment', entityId: located.item.id, projectId, label: located.label, reason: options.reason, details: { removeFiles: options.removeFiles } });
      return removed;
    });
    if (options.removeFiles) for (const dir of dirs) await this.files.removeDir(dir);
    return 'deleted';
  }

  async projects(actor: Actor, ref: ExperimentRef): Promise<ProjectShareRow[]> {
    const located = await this.locator.experiment(actor, ref, 'read');
    return withProjectNames(this.db, await listExperimentProjects(this.db, located.item.id));
  }
}
