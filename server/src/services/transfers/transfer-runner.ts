import type { Kysely } from 'kysely';
import type { FileStore } from '../../archive/file-store.js';
import type { DB } from '../../db/database.js';
import { withTransaction } from '../../db/transaction.js';
import type { Actor } from '../../domain/actor.js';
import { isAppError } from '../../domain/errors.js';
import { isFinalTransferState, type Transfer, type TransferReport, type TransferState } from '../../domain/transfer.js';
import type { JobContext, JobOutcome } from '../../jobs/job-types.js';
import { findTransfer, updateTransfer } from '../../repositories/transfer.repository.js';
import { findUserById } from '../../repositories/user.repository.js';
import type { AccessService } from '../access.service.js';
import { audit } from '../audit.js';
import { ProgressTracker } from './progress-tracker.js';
import { deleteMovedSource } from './source-deleter.js';
import { loadCheckpoint, type TransferCheckpoint } from './transfer-checkpoint.js';
import { buildReport } from './transfer-report.js';
import { verifyTransfer } from './transfer-verifier.js';
import { Throttle } from './throttle.js';
import { StepFailed, UnitCopier, type CopyRun } from './unit-copier.js';
import { checkStop, StopRequested } from './verified-copy.js';

export interface RunnerOptions {
  readonly links: boolean;
  readonly maxBytesPerSecond: number;
}

/**
 * Runs one transfer as a background job: copies each subject and session (skipping what the
 * checkpoint says is done), verifies the whole, and for a move deletes the source only when the
 * verification passed. Safe to run again after a crash: it resumes from the checkpoint.
 */
export class TransferRunner {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly store: FileStore,
    private readonly access: AccessService,
    private readonly copier: UnitCopier,
    private readonly options: RunnerOptions,
  ) {}

  async run(transferId: string, job: Pick<JobContext, 'signal' | 'holdsLease'>): Promise<JobOutcome> {
    const transfer = await findTransfer(this.db, transferId);
    if (!transfer || isFinalTransferState(transfer.state)) return { kind: 'skipped', reason: 'transfer finished already' };
    const checkpoint = await loadCheckpoint(this.db, transferId);
    const actor = await this.actorOf(transfer);
    if (typeof actor === 'string') return this.finish(transfer, checkpoint, 'failed', { failure: actor });
    await updateTransfer(this.db, transferId, { state: 'running', phase: 'copying', started: true });
    const progress = new ProgressTracker(resumedProgress(transfer, checkpoint), (p) => updateTransfer(this.db, transferId, { progress: p }));
    const run: CopyRun = {
      transferId, sourceId: transfer.source, destId: transfer.destination, actor, reason: transfer.request.reason,
      filter: transfer.request.resources, links: this.options.links, verifyContent: transfer.request.verifyContent, throttle: new Throttle(this.options.maxBytesPerSecond),
      signal: job.signal, checkpoint, holdsLease: (trx) => job.holdsLease(trx),
      onCopied: (b) => progress.copied(b),
      onVerified: (b) => progress.verified(b),
    };
    try {
      await this.copier.cleanPending(run);
      await this.copyAll(run, transfer, progress);
      await progress.flush();
      await updateTransfer(this.db, transferId, { phase: 'verifying' });
      const verification = await verifyTransfer(this.db, this.store, transfer.selection, checkpoint, transfer.request.resources);
      let source = { deleted: false, reason: null as string | null };
      if (transfer.mode === 'move') {
        if (!verification.passed) source.reason = 'The verification failed, so nothing was deleted from the source';
        else {
          checkStop(run.signal); // a cancel that came during the verification still keeps the source
          // Past this point a cancel is not honoured: the copies are verified and the deletions are quick.
          await updateTransfer(this.db, transferId, { phase: 'deleting-source' });
          source = await deleteMovedSource(this.db, this.store, run, transfer.selection, checkpoint, (cp, trx) => updateTransfer(trx, transferId, { checkpoint: cp }));
        }
      }
      const ok = verification.passed && (transfer.mode === 'copy' || source.deleted);
      await this.finish(transfer, checkpoint, ok ? 'succeeded' : 'failed', { verification, source, progress });
      return { kind: 'done' };
    } catch (e) {
      if (e instanceof StopRequested) {
        if (e.reason === 'cancel') await this.finish(transfer, checkpoint, 'cancelled', { progress });
        else if (e.reason === 'shutdown') await progress.flush().then(() => updateTransfer(this.db, transferId, { state: 'queued' }));
        return { kind: 'stopped' };
      }
      const message = isAppError(e) ? e.message : 'The transfer stopped on an unexpected error (see the server log)';
      await this.finish(transfer, checkpoint, 'failed', { failure: message, progress }).catch(() => undefined);
      return { kind: 'failed', reason: e instanceof Error ? e.message : String(e) };
    }
  }

  /** Records as failed a transfer whose job was given up (it kept stopping the server). */
  async abandon(transferId: string, reason: string): Promise<void> {
    const transfer = await findTransfer(this.db, transferId);
    if (!transfer || isFinalTransferState(transfer.state)) return;
    const checkpoint = await loadCheckpoint(this.db, transferId);
    await this.finish(transfer, checkpoint, 'failed', { failure: reason });
  }

  private async copyAll(run: CopyRun, transfer: Transfer, progress: ProgressTracker): Promise<void> {
    const fail = async (id: string, e: unknown) => {
      if (!(e instanceof StepFailed) && !isAppError(e)) throw e;
      run.checkpoint.failed[id] = { message: e.message, ...(e instanceof StepFailed && e.problems.length > 0 && { problems: e.problems.slice(0, 50) }) };
      await updateTransfer(this.db, run.transferId, { checkpoint: run.checkpoint });
    };
    for (const s of transfer.selection.subjects) {
      checkStop(run.signal);
      if (run.checkpoint.failed[s.id]) continue;
      await this.copier.subject(run, s).catch((e: unknown) => fail(s.id, e));
    }
    for (const e of transfer.selection.experiments) {
      checkStop(run.signal);
      if (run.checkpoint.experiments[e.id] || run.checkpoint.failed[e.id]) continue;
      try {
        await this.copier.experiment(run, e);
        progress.experimentDone();
        await progress.flush();
      } catch (err) {
        await fail(e.id, err);
      }
    }
  }

  /** The user who started the transfer, still allowed to do it; a string says why not. */
  private async actorOf(t: Transfer): Promise<Actor | string> {
    const user = await findUserById(this.db, t.userId);
    if (!user || !user.enabled) return `The account ${t.createdBy} that started this transfer no longer exists or is disabled`;
    const actor: Actor = { kind: 'user', userId: user.id, login: user.login, isAdmin: user.isAdmin };
    try {
      await this.access.requireProject(actor, t.source, t.mode === 'move' ? 'delete' : 'read');
      await this.access.requireProject(actor, t.destination, 'create');
    } catch (e) {
      if (isAppError(e)) return `${t.createdBy} may no longer do this transfer: ${e.message}`;
      throw e;
    }
    return actor;
  }

  private async finish(transfer: Transfer, checkpoint: TransferCheckpoint, state: TransferState, parts: Parameters<typeof buildReport>[3]): Promise<JobOutcome> {
    await parts.progress?.flush(); // no progress write may land after the final one
    const fresh = (await findTransfer(this.db, transfer.id)) ?? transfer;
    const report: TransferReport = buildReport(fresh, checkpoint, state as TransferReport['outcome'], parts);
    await withTransaction(this.db, async (trx) => {
      await updateTransfer(trx, transfer.id, { state, phase: 'finished', report, checkpoint, finished: true, ...(parts.progress && { progress: parts.progress.snapshot() }) });
      const projects = [...new Set([transfer.source, transfer.destination])];
      for (const projectId of projects) {
        await audit(trx, { kind: 'user', userId: transfer.userId, login: transfer.createdBy, isAdmin: false }, {
          action: transfer.mode, entityType: 'transfer', entityId: transfer.id, projectId, label: `${transfer.source} → ${transfer.destination}`,
          reason: transfer.request.reason,
          details: {
            outcome: report.outcome, message: report.message, verification: { passed: report.verification.passed, expected: report.verification.expected, found: report.verification.found },
            sourceDeleted: report.sourceDeleted, labels: labelChanges(transfer),
          },
        });
      }
    });
    return state === 'failed' && parts.failure ? { kind: 'failed', reason: parts.failure } : { kind: 'done' };
  }
}

/** On resume, the figures of the steps already done. */
function resumedProgress(t: Transfer, cp: TransferCheckpoint) {
  const done = Object.values(cp.experiments);
  const bytes = done.reduce((n, e) => n + e.bytes, 0);
  return {
    ...t.progress, experimentsDone: done.length, filesDone: done.reduce((n, e) => n + e.files, 0), bytesCopied: bytes, bytesVerified: bytes,
  };
}

/** Labels before → after, for the audit trail (capped so one event stays small). */
function labelChanges(t: Transfer) {
  return {
    subjects: t.selection.subjects.slice(0, 200).map((s) => ({ id: s.id, before: s.sourceLabel, after: s.destLabel })),
    experiments: t.selection.experiments.slice(0, 500).map((e) => ({ id: e.id, before: e.sourceLabel, after: e.destLabel })),
  };
}
