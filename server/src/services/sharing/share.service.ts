import type { Kysely } from 'kysely';
import type { DB, Db } from '../../db/database.js';
import { isUniqueViolation } from '../../db/db-errors.js';
import { withTransaction } from '../../db/transaction.js';
import { hasRight } from '../../domain/access.js';
import type { Actor } from '../../domain/actor.js';
import { AppError, conflict, notFound } from '../../domain/errors.js';
import { checkLabel } from '../../domain/names.js';
import { deleteExperimentShare, insertExperimentShare } from '../../repositories/experiment.repository.js';
import { findProject } from '../../repositories/project.repository.js';
import {
  experimentLabelHolder, findExperimentPlace, findSubjectPlace, listSubjectExperimentsIn, relabelShare, subjectLabelHolder,
} from '../../repositories/sharing.repository.js';
import { deleteSubjectShare, insertSubjectShare } from '../../repositories/subject.repository.js';
import type { AccessService, ProjectGrant } from '../access.service.js';
import type { Locator } from '../locator.js';
import { unshareExperimentTree } from '../data-deletion.js';
import { auditBothProjects } from './share-audit.js';
import { resolveShareItem, scansFollowTheirSession, type ShareItem, type ShareItemRef } from './share-target.js';

export interface ShareOutcome {
  readonly kind: 'subject' | 'experiment';
  readonly id: string;
  readonly project: string;
  readonly label: string;
  /** shared: new share; relabelled: the share's label changed; unchanged: already there under that label. */
  readonly action: 'shared' | 'relabelled' | 'unchanged';
}

export interface SubjectShareRequest {
  readonly source: string;
  readonly subject: string;
  readonly destination: string;
  readonly label?: string;
  /** Experiments of the subject to share along: 'all' (every one the source holds) or a list with optional new labels. */
  readonly experiments?: 'all' | readonly { readonly experiment: string; readonly label?: string }[];
  readonly reason?: string;
}

/**
 * Sharing between projects (xnat-api.md §4): an item stays owned by one project and is listed,
 * read-only, in each project it is shared into under that project's label. The rules:
 * - the actor must be able to read the item where they address it (owners, members and collaborators
 *   of the source, or readers of a project it is shared into);
 * - only owners of the destination may receive (the rule, and XNAT's wiki and UI; XNAT's REST
 *   code also lets Members, see docs/sharing-and-transfers.md);
 * - a label is unique per project, whether owned or shared there (409);
 * - an experiment can only be shared where its subject already is, and an assessor where its session is;
 * - sharing into the owning project is a conflict; scans follow their session.
 */
export class ShareService {
  constructor(private readonly db: Kysely<DB>, private readonly access: AccessService, private readonly locator: Locator) {}

  /** XNAT's `PUT .../projects/{dest}[?label=]`: shares, or changes the label of an existing share. */
  async share(actor: Actor, ref: ShareItemRef, destination: string, options: { label?: string; reason?: string }): Promise<ShareOutcome> {
    if (ref.kind === 'scan') return this.shareScan(actor, ref, destination);
    const item = await resolveShareItem(this.locator, actor, ref, 'read');
    const dest = await this.receiver(actor, item, destination);
    const label = options.label === undefined || options.label === '' ? undefined : checkLabel(item.kind === 'subject' ? 'subject label' : 'experiment label', options.label);
    try {
      return await withTransaction(this.db, (trx) => this.shareIn(trx, actor, item, dest.project.id, label, options.reason, 'refuse'));
    } catch (e) {
      throw labelConflict(e, label ?? item.ownerLabel, dest.project.id);
    }
  }

  /**
   * Shares a subject with all or some of its experiments in one step, each under its own label
   * (what XNAT's sharing dialog does with several calls). Items already shared under the asked
   * label are left as they are, so the call can be repeated.
   */
  async shareSubject(actor: Actor, request: SubjectShareRequest): Promise<ShareOutcome[]> {
    const subject = await resolveShareItem(this.locator, actor, { kind: 'subject', ref: { project: request.source, subject: request.subject } }, 'read');
    const dest = await this.receiver(actor, subject, request.destination);
    const subjectLabel = request.label ? checkLabel('subject label', request.label) : undefined;
    const sourceId = subject.through.project.id;
    const wanted = request.experiments === 'all'
      ? (await listSubjectExperimentsIn(this.db, subject.id, sourceId)).map((e) => ({ experiment: e.id, label: undefined as string | undefined }))
      : request.experiments ?? [];
    const experiments: { item: ShareItem; label?: string }[] = [];
    for (const w of wanted) {
      const item = await resolveShareItem(this.locator, actor, { kind: 'experiment', ref: { project: sourceId, experiment: w.experiment } }, 'read');
      if (item.subjectId !== subject.id) throw conflict(`${item.what} belongs to another subject than ${subject.what}: experiments are shared under their own subject`);
      if (item.ownerProjectId === dest.project.id) continue;
      experiments.push({ item, label: w.label ? checkLabel('experiment label', w.label) : undefined });
    }
    // Sessions before their assessors, so each assessor finds its session already shared.
    experiments.sort((a, b) => Number(a.item.imageSessionId != null) - Number(b.item.imageSessionId != null));
    let current = subjectLabel ?? subject.ownerLabel;
    try {
      return await withTransaction(this.db, async (trx) => {
        const out: ShareOutcome[] = [];
        if (subject.ownerProjectId !== dest.project.id) out.push(await this.shareIn(trx, actor, subject, dest.project.id, subjectLabel, request.reason, 'keep'));
        for (const e of experiments) {
          current = e.label ?? e.item.ownerLabel;
          out.push(await this.shareIn(trx, actor, e.item, dest.project.id, e.label, request.reason, 'keep'));
        }
        return out;
      });
    } catch (e) {
      throw labelConflict(e, current, dest.project.id);
    }
  }

  /**
   * XNAT's `DELETE .../projects/{dest}`: removes the item from a project it is shared into (and,
   * for a subject, its experiments shared there; for a session, its assessors shared there).
   * Owners of the destination may unshare, and so may those who may delete in the owning project.
   */
  async unshare(actor: Actor, ref: ShareItemRef, destination: string, options: { reason?: string } = {}): Promise<void> {
    if (ref.kind === 'scan') scansFollowTheirSession('unshared');
    const item = await resolveShareItem(this.locator, actor, ref, 'see');
    const dest = await this.access.requireProject(actor, destination, 'see');
    const destId = dest.project.id;
    if (item.ownerProjectId === destId) {
      throw conflict(`${item.what} belongs to project ${destId}: it is not shared there. Delete it, or change its owner, instead`);
    }
    const place = item.kind === 'subject' ? await findSubjectPlace(this.db, item.id, destId) : await findExperimentPlace(this.db, item.id, destId);
    if (!place) throw notFound(`${item.what} is not shared into project ${destId}`);
    await this.requireUnsharer(actor, item, dest);
    await withTransaction(this.db, async (trx) => {
      const cascaded = item.kind === 'subject' ? await this.unshareSubjectRows(trx, item, destId) : await unshareExperimentTree(trx, item.id, destId, item.what);
      await auditBothProjects(trx, actor, {
        action: 'unshare', entityType: item.kind, entityId: item.id, label: place.label, ownerProjectId: item.ownerProjectId, destinationProjectId: destId,
        reason: options.reason, details: { labelBefore: place.label, alsoUnshared: cascaded },
      });
    });
  }

  /** Checks the destination: visible, not the owner, and the actor owns it. */
  private async receiver(actor: Actor, item: ShareItem, destination: string): Promise<ProjectGrant> {
    const dest = await this.access.requireProject(actor, destination, 'see');
    if (dest.project.id === item.ownerProjectId) {
      throw conflict(`Already assigned to project: ${dest.project.id} (${item.what} belongs to it; share into another project)`);
    }
    if (!hasRight(dest.access, 'manage')) {
      if (actor.kind === 'guest') throw new AppError('unauthenticated', 'The request requires user authentication');
      throw new AppError('forbidden', `Only owners of project ${dest.project.id} may share data into it`);
    }
    return dest;
  }

  private async shareIn(trx: Db, actor: Actor, item: ShareItem, destId: string, label: string | undefined, reason: string | undefined, onExisting: 'refuse' | 'keep'): Promise<ShareOutcome> {
    const place = item.kind === 'subject' ? await findSubjectPlace(trx, item.id, destId) : await findExperimentPlace(trx, item.id, destId);
    const outcome = (action: ShareOutcome['action'], l: string): ShareOutcome => ({ kind: item.kind, id: item.id, project: destId, label: l, action });
    if (place && !place.isShared) return outcome('unchanged', place.label);
    if (place) {
      if (label === undefined || label === place.label) {
        if (onExisting === 'keep') return outcome('unchanged', place.label);
        throw conflict(`Already assigned to project: ${destId} (${item.what} is shared there as ${place.label})`);
      }
      await this.requireLabelFree(trx, item, destId, label);
      await relabelShare(trx, item.kind, item.id, destId, label);
      await auditBothProjects(trx, actor, {
        action: 'share', entityType: item.kind, entityId: item.id, label, ownerProjectId: item.ownerProjectId, destinationProjectId: destId, reason,
        details: { relabel: true, labelBefore: place.label, labelAfter: label },
      });
      return outcome('relabelled', label);
    }
    await this.requireParentThere(trx, item, destId);
    const finalLabel = label ?? item.ownerLabel;
    await this.requireLabelFree(trx, item, destId, finalLabel);
    if (item.kind === 'subject') await insertSubjectShare(trx, item.id, destId, finalLabel);
    else await insertExperimentShare(trx, item.id, destId, finalLabel);
    await auditBothProjects(trx, actor, {
      action: 'share', entityType: item.kind, entityId: item.id, label: finalLabel, ownerProjectId: item.ownerProjectId, destinationProjectId: destId, reason,
      details: { from: item.through.project.id, labelBefore: item.labelThere, labelAfter: finalLabel },
    });
    return outcome('shared', finalLabel);
  }

  /** An experiment needs its subject in the destination, an assessor its session (the seeds' rule). */
  private async requireParentThere(db: Db, item: ShareItem, destId: string): Promise<void> {
    if (item.kind !== 'experiment') return;
    if (item.imageSessionId) {
      if (!(await findExperimentPlace(db, item.imageSessionId, destId))) {
        throw conflict(`${item.what} assesses a session that is not in project ${destId}: share the session first`);
      }
      return;
    }
    if (!(await findSubjectPlace(db, item.subjectId as string, destId))) {
      throw conflict(`The subject of ${item.what} is not in project ${destId}: share the subject first (an experiment is always shared under its own subject)`);
    }
  }

  private async requireLabelFree(db: Db, item: ShareItem, destId: string, label: string): Promise<void> {
    const holder = item.kind === 'subject' ? await subjectLabelHolder(db, destId, label) : await experimentLabelHolder(db, destId, label);
    if (holder !== undefined && holder !== item.id) throw conflict(`Label already in use: ${label} in project ${destId}`);
  }

  private async requireUnsharer(actor: Actor, item: ShareItem, dest: ProjectGrant): Promise<void> {
    if (hasRight(dest.access, 'delete')) return;
    const owner = await findProject(this.db, item.ownerProjectId);
    if (owner && hasRight(await this.access.accessTo(actor, owner), 'delete')) return;
    if (actor.kind === 'guest') throw new AppError('unauthenticated', 'The request requires user authentication');
    throw new AppError('forbidden', `Only owners of project ${dest.project.id} (or of the owning project ${item.ownerProjectId}) may unshare ${item.what} from project ${dest.project.id}`);
  }

  private async unshareSubjectRows(trx: Db, item: ShareItem, destId: string): Promise<string[]> {
    const experiments = await listSubjectExperimentsIn(trx, item.id, destId);
    const owned = experiments.filter((e) => !e.isShared);
    if (owned.length > 0) {
      throw conflict(`Project ${destId} owns experiments of ${item.what} (${owned.map((e) => e.label).join(', ')}): unsharing would orphan them; delete or move them first`);
    }
    for (const e of experiments) await deleteExperimentShare(trx, e.id, destId);
    await deleteSubjectShare(trx, item.id, destId);
    return experiments.map((e) => e.id);
  }

  /** Scans come with their session: sharing one is accepted when its session is already there. */
  private async shareScan(actor: Actor, ref: Extract<ShareItemRef, { kind: 'scan' }>, destination: string): Promise<ShareOutcome> {
    const session = await resolveShareItem(this.locator, actor, { kind: 'experiment', ref: ref.session }, 'read');
    const dest = await this.access.requireProject(actor, destination, 'see');
    const place = await findExperimentPlace(this.db, session.id, dest.project.id);
    if (!place) scansFollowTheirSession('shared');
    return { kind: 'experiment', id: session.id, project: dest.project.id, label: place.label, action: 'unchanged' };
  }
}

function labelConflict(e: unknown, label: string, project: string): unknown {
  return isUniqueViolation(e) ? conflict(`Label already in use: ${label} in project ${project}`) : e;
}
