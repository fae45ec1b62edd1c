import type { Kysely } from 'kysely';
import type { DB } from '../db/database.js';
import type { Right } from '../domain/access.js';
import type { Actor } from '../domain/actor.js';
import type { ResourceOwner, Scan } from '../domain/entities.js';
import { notFound } from '../domain/errors.js';
import {
  assessorResourceDir, experimentResourceDir, projectResourceDir, scanResourceDir, subjectResourceDir,
} from '../archive/layout.js';
import { findExperimentById } from '../repositories/experiment.repository.js';
import { findScan } from '../repositories/scan.repository.js';
import type { AccessService, ProjectGrant } from './access.service.js';
import type { ExperimentRef, Locator, SubjectRef } from './locator.js';

/** What a resource URL hangs from: a project, subject, experiment, assessor or scan. */
export type OwnerRef =
  | { readonly kind: 'project'; readonly project: string }
  | { readonly kind: 'subject'; readonly ref: SubjectRef }
  | { readonly kind: 'experiment'; readonly ref: ExperimentRef }
  | { readonly kind: 'assessor'; readonly session: ExperimentRef; readonly assessor: string }
  | { readonly kind: 'scan'; readonly session: ExperimentRef; readonly scan: string };

/** A resolved owner: the key resources are stored under, the rights context, and where files go. */
export interface ResolvedOwner {
  readonly owner: ResourceOwner;
  readonly grant: ProjectGrant;
  readonly isShared: boolean;
  /** The project that owns the item (the one whose tree holds its files). */
  readonly ownerProjectId: string;
  /** Human description for messages ("Session MR1"). */
  readonly what: string;
  /** The IDs along the path, for building URIs. */
  readonly ids: { readonly projectId?: string; readonly subjectId?: string; readonly experimentId?: string; readonly scan?: Scan };
  /** Natural directory for a resource of this owner with the given label. */
  dirFor(label: string): string;
}

/** Resolves resource owners with the locator's lookup and access rules. */
export class ResourceOwners {
  constructor(private readonly db: Kysely<DB>, private readonly access: AccessService, private readonly locator: Locator) {}

  async resolve(actor: Actor, ref: OwnerRef, right: Right): Promise<ResolvedOwner> {
    switch (ref.kind) {
      case 'project': {
        const grant = await this.access.requireProject(actor, ref.project, 'see');
        this.access.requireOnItem(actor, grant, false, right, `Project ${grant.project.id}`, grant.project.id);
        const id = grant.project.id;
        return { owner: { kind: 'project', projectId: id }, grant, isShared: false, ownerProjectId: id, what: `Project ${id}`, ids: { projectId: id }, dirFor: (l) => projectResourceDir(id, l) };
      }
      case 'subject': {
        const s = await this.locator.subject(actor, ref.ref, right);
        return {
          owner: { kind: 'subject', subjectId: s.item.id }, grant: s.grant, isShared: s.isShared, ownerProjectId: s.item.projectId,
          what: `Subject ${s.label}`, ids: { projectId: ref.ref.project !== undefined ? s.grant.project.id : undefined, subjectId: s.item.id },
          dirFor: (l) => subjectResourceDir(s.item.projectId, s.item.label, l),
        };
      }
      case 'experiment':
      case 'assessor': {
        const e = ref.kind === 'experiment'
          ? await this.locator.experiment(actor, ref.ref, right)
          : await this.locator.assessor(actor, ref.session, ref.assessor, right);
        const item = e.item;
        const session = item.imageSessionId ? await findExperimentById(this.db, item.imageSessionId) : undefined;
        const dirFor = session
          ? (l: string) => assessorResourceDir(item.projectId, session.label, item.label, l)
          : (l: string) => experimentResourceDir(item.projectId, item.label, l);
        const hasProject = ref.kind === 'assessor' || ref.ref.project !== undefined;
        return {
          owner: { kind: 'experiment', experimentId: item.id }, grant: e.grant, isShared: e.isShared, ownerProjectId: item.projectId,
          what: `${session ? 'Assessor' : 'Experiment'} ${e.label}`, ids: { projectId: hasProject ? e.grant.project.id : undefined, experimentId: item.id }, dirFor,
        };
      }
      case 'scan': {
        const e = await this.locator.experiment(actor, ref.session, right);
        const scan = await findScan(this.db, e.item.id, ref.scan);
        if (!scan) throw notFound(`No scan ${ref.scan} in session ${e.label}`);
        return {
          owner: { kind: 'scan', experimentId: e.item.id, scanPk: scan.pk }, grant: e.grant, isShared: e.isShared, ownerProjectId: e.item.projectId,
          what: `Scan ${scan.scanId} of session ${e.label}`, ids: { projectId: ref.session.project !== undefined ? e.grant.project.id : undefined, experimentId: e.item.id, scan },
          dirFor: (l) => scanResourceDir(e.item.projectId, e.item.label, scan.scanId, l),
        };
      }
    }
  }
}
