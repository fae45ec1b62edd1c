import type { Kysely } from 'kysely';
import type { DB } from '../db/database.js';
import { hasRight, type Right } from '../domain/access.js';
import type { Actor } from '../domain/actor.js';
import type { Experiment, ProjectLabel, Subject } from '../domain/entities.js';
import { AppError, notFound } from '../domain/errors.js';
import { findExperimentById, findExperimentInProject, listExperimentProjects } from '../repositories/experiment.repository.js';
import { findProject } from '../repositories/project.repository.js';
import { findSubjectById, findSubjectInProject, listSubjectProjects } from '../repositories/subject.repository.js';
import type { AccessService, ProjectGrant } from './access.service.js';

/** Where a subject is addressed: in a project by label or ID, or site-wide by accession ID only. */
export interface SubjectRef {
  readonly project?: string;
  readonly subject: string;
}

/** Where an experiment is addressed: under a project's subject, under a project, or site-wide by ID. */
export interface ExperimentRef {
  readonly project?: string;
  readonly subject?: string;
  readonly experiment: string;
}

/** An item found through a project, with that project's label and the actor's rights there. */
export interface Located<T> {
  readonly item: T;
  readonly grant: ProjectGrant;
  readonly label: string;
  readonly isShared: boolean;
}

export interface LocatedExperiment extends Located<Experiment> {
  /** The experiment's subject as the same project knows it. */
  readonly subjectLabel: string;
}

/**
 * Turns the IDs and labels of a URL into items, applying XNAT's lookup rules (label in the project
 * first, then accession ID) and the access rules in one place.
 */
export class Locator {
  constructor(private readonly db: Kysely<DB>, private readonly access: AccessService) {}

  async subject(actor: Actor, ref: SubjectRef, right: Right = 'read'): Promise<Located<Subject>> {
    if (ref.project !== undefined) {
      const grant = await this.access.requireProject(actor, ref.project, 'see');
      const found = await findSubjectInProject(this.db, grant.project.id, ref.subject);
      if (!found) {
        if (!hasRight(grant.access, 'read')) this.access.requireOnItem(actor, grant, false, 'read', '', grant.project.id);
        throw notFound(`Unable to identify subject ${ref.subject} in project ${grant.project.id}`);
      }
      this.access.requireOnItem(actor, grant, found.isShared, right, `Subject ${found.label}`, found.item.projectId);
      return { item: found.item, grant, label: found.label, isShared: found.isShared };
    }
    const subject = await findSubjectById(this.db, ref.subject);
    if (!subject) {
      throw notFound(`Unable to identify subject ${ref.subject}. When searching by subject ID only, you must specify the accession number (for example XNAT_S00001), not a label`);
    }
    const place = await this.choose(actor, await listSubjectProjects(this.db, subject.id), right, `Subject ${subject.label}`);
    return { item: subject, ...place };
  }

  async experiment(actor: Actor, ref: ExperimentRef, right: Right = 'read'): Promise<LocatedExperiment> {
    if (ref.project !== undefined) {
      const grant = await this.access.requireProject(actor, ref.project, 'see');
      if (!hasRight(grant.access, 'read')) this.access.requireOnItem(actor, grant, false, 'read', '', grant.project.id);
      let subjectId: string | undefined;
      if (ref.subject !== undefined) {
        const subject = await findSubjectInProject(this.db, grant.project.id, ref.subject);
        if (!subject) throw notFound(`Unable to identify subject ${ref.subject} in project ${grant.project.id}`);
        subjectId = subject.item.id;
      }
      const found = await findExperimentInProject(this.db, grant.project.id, ref.experiment, ref.subject !== undefined ? 'labelFirst' : 'idFirst');
      if (!found || (subjectId !== undefined && found.item.subjectId !== subjectId)) {
        throw notFound(`Unable to identify experiment ${ref.experiment} in project ${grant.project.id}${ref.subject ? ` under subject ${ref.subject}` : ''}`);
      }
      this.access.requireOnItem(actor, grant, found.isShared, right, `Experiment ${found.label}`, found.item.projectId);
      return { item: found.item, grant, label: found.label, isShared: found.isShared, subjectLabel: found.subjectLabel };
    }
    const experiment = await findExperimentById(this.db, ref.experiment);
    if (!experiment) {
      throw notFound(`Unable to identify experiment ${ref.experiment}. Without a project, experiments are found by accession number (for example XNAT_E00001), not by label`);
    }
    const place = await this.choose(actor, await listExperimentProjects(this.db, experiment.id), right, `Experiment ${experiment.label}`);
    const subject = await findSubjectInProject(this.db, place.grant.project.id, experiment.subjectId);
    return { item: experiment, ...place, subjectLabel: subject?.label ?? '' };
  }

  /** An assessor of a session: found by label or ID in the session's project, and really of that session. */
  async assessor(actor: Actor, sessionRef: ExperimentRef, assessor: string, right: Right = 'read'): Promise<LocatedExperiment> {
    const session = await this.experiment(actor, sessionRef, 'read');
    const found = await this.experiment(actor, { project: session.grant.project.id, experiment: assessor }, right);
    if (found.item.imageSessionId !== session.item.id) throw notFound(`Unable to identify assessor ${assessor} of session ${session.label}`);
    return found;
  }

  /**
   * Picks the project to act through for an item addressed by ID alone: the owner when the actor
   * may act there, else the first project it is shared into that the actor may read.
   */
  private async choose(actor: Actor, places: ProjectLabel[], right: Right, what: string): Promise<Omit<Located<unknown>, 'item'>> {
    let firstVisible: { grant: ProjectGrant; place: ProjectLabel } | undefined;
    for (const place of places) {
      const project = await findProject(this.db, place.projectId);
      if (!project) continue;
      const access = await this.access.accessTo(actor, project);
      if (!hasRight(access, 'see')) continue;
      const grant = { project, access };
      firstVisible ??= { grant, place };
      const ok = place.isShared ? (right === 'read' || right === 'see') && hasRight(access, 'read') : hasRight(access, right);
      if (ok) return { grant, label: place.label, isShared: place.isShared };
    }
    if (!firstVisible) throw notFound(`${what} not found`);
    const owner = places.find((p) => !p.isShared)?.projectId ?? firstVisible.grant.project.id;
    this.access.requireOnItem(actor, firstVisible.grant, firstVisible.place.isShared, right, what, owner);
    throw new AppError('forbidden', `You may not change ${what}`);
  }
}
