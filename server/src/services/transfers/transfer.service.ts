import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { FileStore } from '../../archive/file-store.js';
import type { DB } from '../../db/database.js';
import { withTransaction } from '../../db/transaction.js';
import type { Actor } from '../../domain/actor.js';
import { AppError, conflict, invalidInput, notFound } from '../../domain/errors.js';
import { isFinalTransferState, type Transfer, type TransferChecklist, type TransferRequest, type TransferSelection, type TransferState } from '../../domain/transfer.js';
import type { JobQueue } from '../../jobs/job-queue.js';
import { findTransfer, insertTransfer, listTransfers, updateTransfer } from '../../repositories/transfer.repository.js';
import type { AccessService } from '../access.service.js';
import { audit } from '../audit.js';
import { initialProgress } from './progress-tracker.js';
import { emptyCheckpoint, loadCheckpoint } from './transfer-checkpoint.js';
import { buildChecklist } from './transfer-checklist.js';
import { buildReport } from './transfer-report.js';
import { resolveSelection } from './transfer-selection.js';
import { removePending } from './unit-copier.js';

/**
 * Copies and moves between projects on this server (`/xapi/transfers`): a dry run answers the
 * pre-transfer checklist; a real run is accepted only when the checklist has no problem, and then
 * runs as a background job that can be followed, listed and cancelled.
 */
export class TransferService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly access: AccessService,
    private readonly store: FileStore,
    private readonly queue: JobQueue,
    private readonly options: { readonly links: boolean },
  ) {}

  /** The checklist for a request, changing nothing. */
  async dryRun(actor: Actor, request: TransferRequest): Promise<{ request: TransferRequest; checklist: TransferChecklist }> {
    const { checklist, request: normalised } = await this.plan(actor, request);
    return { request: normalised, checklist };
  }

  /**
   * Accepts a transfer and queues it. Refused with 403 (access problems) or 409 (any other problem)
   * carrying the checklist in `details.checklist`, so the caller sees every reason at once.
   */
  async start(actor: Actor, request: TransferRequest): Promise<Transfer> {
    if (actor.kind !== 'user') throw new AppError('unauthenticated', 'The request requires user authentication');
    const { checklist, selection, request: normalised } = await this.plan(actor, request);
    if (!checklist.ok) {
      const accessProblem = checklist.problems.find((p) => p.kind === 'access');
      const first = accessProblem ?? checklist.problems[0]!;
      throw new AppError(accessProblem ? 'forbidden' : 'conflict', `The transfer cannot start: ${first.message}${checklist.problems.length > 1 ? ` (and ${checklist.problems.length - 1} more problem(s), see details.checklist)` : ''}`, { checklist });
    }
    const id = crypto.randomUUID();
    await withTransaction(this.db, async (trx) => {
      await insertTransfer(trx, {
        id, userId: actor.userId, createdBy: actor.login, request: normalised, selection, checklist, checkpoint: emptyCheckpoint(),
        progress: initialProgress({ experiments: checklist.totals.experiments, files: checklist.totals.files, bytes: checklist.totals.bytes }),
      });
      const jobId = await this.queue.enqueue(trx, 'transfer.run', { transferId: id });
      await updateTransfer(trx, id, { jobId });
    });
    this.queue.notify();
    return (await findTransfer(this.db, id)) as Transfer;
  }

  /** The actor's transfers, newest first (site administrators see everyone's with `everyone`). */
  async list(actor: Actor, q: { state?: TransferState; limit: number; everyone?: boolean }): Promise<Transfer[]> {
    if (actor.kind !== 'user') throw new AppError('unauthenticated', 'The request requires user authentication');
    return listTransfers(this.db, { userId: actor.isAdmin && q.everyone ? undefined : actor.userId, state: q.state, limit: q.limit });
  }

  /** One transfer; only its creator and site administrators may see it. */
  async get(actor: Actor, id: string): Promise<Transfer> {
    const t = await findTransfer(this.db, id);
    if (!t || actor.kind !== 'user' || (!actor.isAdmin && t.userId !== actor.userId)) throw notFound(`No transfer ${id}`);
    return t;
  }

  /**
   * Cancels a transfer: a queued one ends at once; a running one stops at its next file and keeps
   * what it already copied (a move then never deletes its source). Once a move is deleting its
   * verified source, it finishes.
   */
  async cancel(actor: Actor, id: string): Promise<Transfer> {
    const t = await this.get(actor, id);
    if (isFinalTransferState(t.state)) throw conflict(`Transfer ${id} has already ${t.state === 'cancelled' ? 'been cancelled' : 'finished'}`);
    if (t.phase === 'deleting-source') throw conflict(`Transfer ${id} is deleting its verified source and can no longer be cancelled`);
    const ended = await withTransaction(this.db, async (trx) => {
      await updateTransfer(trx, id, { cancelRequested: true });
      const jobState = t.jobId === null ? 'cancelled' : await this.queue.cancel(trx, t.jobId);
      if (jobState === 'cancelled' || jobState === 'failed' || jobState === 'done') {
        // Not running anywhere: end it now. An interrupted transfer may have copied some steps already.
        const fresh = (await findTransfer(trx, id)) as Transfer;
        const checkpoint = await loadCheckpoint(trx, id);
        await updateTransfer(trx, id, { state: 'cancelled', phase: 'finished', finished: true, report: buildReport(fresh, checkpoint, 'cancelled', {}) });
        await audit(trx, actor, { action: t.mode, entityType: 'transfer', entityId: id, projectId: t.destination, label: `${t.source} → ${t.destination}`, details: { cancelled: true } });
        return checkpoint;
      }
      await audit(trx, actor, { action: t.mode, entityType: 'transfer', entityId: id, projectId: t.destination, label: `${t.source} → ${t.destination}`, details: { cancelRequested: true } });
      return undefined;
    });
    // A transfer interrupted in the middle of a step may have left that step's files behind.
    if (ended?.pending) await removePending(this.db, this.store, ended.pending);
    if (t.jobId !== null) this.queue.announceCancel(t.jobId);
    return (await findTransfer(this.db, id)) as Transfer;
  }

  private async plan(actor: Actor, request: TransferRequest): Promise<{ request: TransferRequest; selection: TransferSelection; checklist: TransferChecklist }> {
    const source = await this.access.requireProject(actor, request.source, 'read');
    const destination = await this.access.requireProject(actor, request.destination, 'see');
    if (source.project.id === destination.project.id) throw invalidInput(`Source and destination are the same project (${source.project.id}); use labels or sharing within one project`);
    const normalised = { ...request, source: source.project.id, destination: destination.project.id };
    const selection = await resolveSelection(this.db, source.project.id, normalised);
    const checklist = await buildChecklist(this.db, this.store, { source, destination, request: normalised, selection, links: this.options.links });
    return { request: normalised, selection, checklist };
  }
}
