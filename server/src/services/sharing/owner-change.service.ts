import type { Kysely } from 'kysely';
import type { FileStore } from '../../archive/file-store.js';
import type { DB, Db } from '../../db/database.js';
import { isUniqueViolation } from '../../db/db-errors.js';
import { withTransaction } from '../../db/transaction.js';
import { hasRight } from '../../domain/access.js';
import type { Actor } from '../../domain/actor.js';
import { AppError, conflict } from '../../domain/errors.js';
import { checkLabel } from '../../domain/names.js';
import { findExperimentById } from '../../repositories/experiment.repository.js';
import { findProject } from '../../repositories/project.repository.js';
import { findResourceById } from '../../repositories/resource.repository.js';
import {
  experimentLabelHolder, moveExperimentOwner, moveSubjectOwner, resourceFingerprint, subjectLabelHolder, updateResourceDir,
} from '../../repositories/sharing.repository.js';
import { findSubjectById } from '../../repositories/subject.repository.js';
import type { AccessService, ProjectGrant } from '../access.service.js';
import type { Locator } from '../locator.js';
import type { ResourceService } from '../resource.service.js';
import { forEachLimited } from '../transfers/throttle.js';
import { copyAndVerify, describeMismatches, removeQuietly, type FileToCopy } from '../transfers/verified-copy.js';
import { planOwnerChange, type OwnerChangePlan } from './owner-change-plan.js';
import { auditBothProjects } from './share-audit.js';
import { resolveShareItem, scansFollowTheirSession, type ShareItem, type ShareItemRef } from './share-target.js';

export interface OwnerChangeOutcome {
  readonly kind: 'subject' | 'experiment';
  readonly id: string;
  readonly project: string;
  readonly label: string;
  /** Every item that moved with it (a subject's experiments, a session's assessors). */
  readonly moved: readonly { kind: string; id: string; labelBefore: string; labelAfter: string }[];
  readonly files: number;
  readonly bytes: number;
}

/**
 * XNAT's change of primary project (`PUT .../projects/{dest}?primary=true`): the destination
 * becomes the owner; rows change owner and the files move into the new owner's tree. Files are
 * given their new names first (hard links, or copies hashed as they are written), checked against
 * their catalog (a link must be the very same file, a copy must have the catalog's MD5), then the
 * rows change in one transaction, and only then are the old names removed: nothing is copied twice
 * and a failure at any step leaves the old owner intact.
 */
export class OwnerChangeService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly access: AccessService,
    private readonly locator: Locator,
    private readonly store: FileStore,
    private readonly resources: ResourceService,
    private readonly options: { readonly links: boolean },
  ) {}

  async changeOwner(actor: Actor, ref: ShareItemRef, destination: string, options: { label?: string; reason?: string }): Promise<OwnerChangeOutcome> {
    if (ref.kind === 'scan') scansFollowTheirSession('moved');
    const item = await resolveShareItem(this.locator, actor, ref, 'see');
    const dest = await this.access.requireProject(actor, destination, 'see');
    if (dest.project.id === item.ownerProjectId) throw conflict(`Already assigned to project: ${dest.project.id} (it already owns ${item.what})`);
    await this.requireOwnerOfBoth(actor, item, dest);
    const label = options.label ? checkLabel(item.kind === 'subject' ? 'subject label' : 'experiment label', options.label) : undefined;
    const plan = await planOwnerChange(this.db, this.store, item, dest.project.id, label);
    const copies: FileToCopy[] = plan.resources.flatMap((r) => r.files.map((f) => ({ from: `${r.resource.dir}/${f.path}`, to: `${r.toDir}/${f.path}`, size: f.size, md5: f.md5 })));
    const newDirs = plan.resources.map((r) => r.toDir);
    const bytes = copies.reduce((n, c) => n + c.size, 0);
    try {
      const placed = await copyAndVerify(this.store, copies, { links: this.options.links });
      await forEachLimited(plan.resources.filter((r) => r.files.length > 0), 8, (r) => this.store.syncDir(r.toDir));
      const problems = placed.problems;
      if (problems.length > 0) {
        throw new AppError('conflict', `Change of owner refused: ${describeMismatches(problems, 'their catalog')}; nothing was changed`, { problems: problems.slice(0, 50) });
      }
      await withTransaction(this.db, async (trx) => {
        await this.recheck(trx, item, plan);
        await this.apply(trx, plan);
        await auditBothProjects(trx, actor, {
          action: 'change-owner', entityType: item.kind, entityId: item.id, label: plan.items[0]!.toLabel,
          ownerProjectId: plan.from, destinationProjectId: plan.to, reason: options.reason,
          details: {
            labelBefore: plan.items[0]!.fromLabel, labelAfter: plan.items[0]!.toLabel,
            moved: plan.items.map((m) => ({ kind: m.kind, id: m.id, labelBefore: m.fromLabel, labelAfter: m.toLabel })),
            verification: { passed: true, files: copies.length, bytes, hardLinks: placed.links, copies: placed.copies },
          },
        });
      });
    } catch (e) {
      await removeQuietly(this.store, { dirs: newDirs });
      if (isUniqueViolation(e)) throw conflict(`A label of ${item.what} was taken in project ${plan.to} meanwhile; try again`);
      throw e;
    }
    await forEachLimited(plan.resources, 8, (r) => this.resources.writeCatalog(r.resource.id));
    for (const r of plan.resources) await this.store.removeDir(r.resource.dir);
    const root = plan.items[0]!;
    return {
      kind: root.kind, id: root.id, project: plan.to, label: root.toLabel,
      moved: plan.items.slice(1).map((m) => ({ kind: m.kind, id: m.id, labelBefore: m.fromLabel, labelAfter: m.toLabel })),
      files: copies.length, bytes,
    };
  }

  /** "An owner of both projects" (the issue, and XNAT's wiki); XNAT's code asks only for delete rights on the item. */
  private async requireOwnerOfBoth(actor: Actor, item: ShareItem, dest: ProjectGrant): Promise<void> {
    const owner = await findProject(this.db, item.ownerProjectId);
    const ownerAccess = owner ? await this.access.accessTo(actor, owner) : 'none';
    if (hasRight(ownerAccess, 'manage') && hasRight(dest.access, 'manage')) return;
    if (actor.kind === 'guest') throw new AppError('unauthenticated', 'The request requires user authentication');
    throw new AppError('forbidden', `Changing the owner of ${item.what} needs owner rights in both projects (${item.ownerProjectId} and ${dest.project.id})`);
  }

  /** Inside the transaction: nothing the plan relied on changed while the files were being placed. */
  private async recheck(trx: Db, item: ShareItem, plan: OwnerChangePlan): Promise<void> {
    const changed = () => conflict(`${item.what} changed while its files were being moved; nothing was changed, try again`);
    for (const m of plan.items) {
      const now = m.kind === 'subject' ? await findSubjectById(trx, m.id) : await findExperimentById(trx, m.id);
      if (!now || now.projectId !== plan.from) throw changed();
      const holder = m.kind === 'subject' ? await subjectLabelHolder(trx, plan.to, m.toLabel) : await experimentLabelHolder(trx, plan.to, m.toLabel);
      if (holder !== undefined && holder !== m.id) throw conflict(`Label already in use: ${m.toLabel} in project ${plan.to}`);
    }
    for (const r of plan.resources) {
      const now = await findResourceById(trx, r.resource.id);
      if (!now || now.dir !== r.resource.dir || (await resourceFingerprint(trx, r.resource.id)) !== r.fingerprint) throw changed();
    }
  }

  private async apply(trx: Db, plan: OwnerChangePlan): Promise<void> {
    for (const m of plan.items) {
      if (m.kind === 'subject') await moveSubjectOwner(trx, m.id, plan.from, plan.to, m.toLabel);
      else await moveExperimentOwner(trx, m.id, plan.from, plan.to, m.toLabel);
    }
    for (const r of plan.resources) await updateResourceDir(trx, r.resource.id, r.toDir);
  }
}
