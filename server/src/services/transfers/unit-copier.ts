import type { Kysely } from 'kysely';
import type { FileStore } from '../../archive/file-store.js';
import { assessorResourceDir, experimentResourceDir, scanResourceDir, subjectResourceDir } from '../../archive/layout.js';
import type { DB, Db } from '../../db/database.js';
import { withTransaction } from '../../db/transaction.js';
import type { Actor } from '../../domain/actor.js';
import { loginOf } from '../../domain/actor.js';
import type { Resource, ResourceOwner } from '../../domain/entities.js';
import { conflict } from '../../domain/errors.js';
import type { SelectedExperiment, SelectedSubject, TransferProblem } from '../../domain/transfer.js';
import { existingPaths, insertCopiedFiles } from '../../repositories/copy.repository.js';
import { findExperimentById, insertExperiment } from '../../repositories/experiment.repository.js';
import { findFile, findResourceById, insertResource, isDirTaken, refreshResourceStats } from '../../repositories/resource.repository.js';
import { findScan, insertScan } from '../../repositories/scan.repository.js';
import { updateTransfer } from '../../repositories/transfer.repository.js';
import { insertSubject } from '../../repositories/subject.repository.js';
import type { AccessionIds } from '../accession-ids.js';
import { audit } from '../audit.js';
import type { ResourceService } from '../resource.service.js';
import { DirChooser } from '../sharing/dir-chooser.js';
import { experimentFingerprint, subjectFingerprint } from './fingerprint.js';
import type { TransferCheckpoint } from './transfer-checkpoint.js';
import { bytesToCopy, planExperiment, planSubject, type ExperimentPlan, type ResourceFilter, type ResourcePlan } from './transfer-plan.js';
import { forEachLimited, type Throttle } from './throttle.js';
import { copyAndVerify, describeMismatches, removeQuietly, StopRequested, type FileToCopy, type VerifyProblem } from './verified-copy.js';

/** A step that could not be done; the transfer records it and goes on with the other steps. */
export class StepFailed extends Error {
  constructor(message: string, readonly problems: readonly VerifyProblem[] = []) {
    super(message);
  }
}

export interface CopyRun {
  readonly transferId: string;
  readonly sourceId: string;
  readonly destId: string;
  readonly actor: Actor;
  readonly reason?: string;
  readonly filter: ResourceFilter;
  readonly links: boolean;
  /** Read hard links back too (the request's verifyContent). */
  readonly verifyContent: boolean;
  readonly throttle: Throttle;
  readonly signal: AbortSignal;
  readonly checkpoint: TransferCheckpoint;
  /** Inside each commit: this run still owns the transfer's job (see JobContext.holdsLease). */
  holdsLease(trx: Db): Promise<boolean>;
  onCopied(bytes: number): void;
  onVerified(bytes: number): void;
}

/** A resource plan with the directory its new files go to. */
interface Placed {
  readonly plan: ResourcePlan;
  readonly dir: string;
}

/**
 * Copies one subject or one session (with its scans and assessors) into the destination: files
 * first (hard links or copies), read back and checked against the source MD5s, then the rows in
 * one transaction together with the checkpoint. A step either finishes whole or leaves nothing.
 */
export class UnitCopier {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly store: FileStore,
    private readonly ids: AccessionIds,
    private readonly resources: ResourceService,
  ) {}

  /** Makes sure the subject exists in the destination (and copies its own resources when it was selected whole). */
  async subject(run: CopyRun, sel: SelectedSubject): Promise<void> {
    let done = run.checkpoint.subjects[sel.id];
    if (done?.resourcesDone) return;
    const plan = await planSubject(this.db, run.destId, sel, run.filter);
    if (plan.problems.length > 0) throw new StepFailed(messageOf(plan.problems));
    if (!done) {
      const fingerprint = await subjectFingerprint(this.db, sel.id);
      if (plan.target.kind === 'new') {
        await this.commitCheckpoint(run, async (trx, cp) => {
          const id = await this.ids.next(trx, 'subject');
          await insertSubject(trx, { id, projectId: run.destId, label: sel.destLabel, fields: plan.source.fields, createdBy: loginOf(run.actor) });
          await audit(trx, run.actor, { action: 'copy', entityType: 'subject', entityId: id, projectId: run.destId, label: sel.destLabel, reason: run.reason, details: { transfer: run.transferId, source: { project: run.sourceId, id: sel.id, label: sel.sourceLabel }, labelBefore: sel.sourceLabel, labelAfter: sel.destLabel } });
          cp.subjects[sel.id] = { destId: id, status: 'created', resourcesDone: !sel.whole, fingerprint };
        });
        done = run.checkpoint.subjects[sel.id]!;
      } else {
        done = { destId: plan.target.item.id, status: plan.target.kind === 'existing' ? 'merged' : 'used-shared', resourcesDone: !sel.whole || plan.target.kind === 'shared', fingerprint };
        run.checkpoint.subjects[sel.id] = done;
        await updateTransfer(this.db, run.transferId, { checkpoint: run.checkpoint });
      }
    }
    if (done.resourcesDone) return;
    const subjectDir = plan.target.kind === 'existing' ? plan.target.item.label : sel.destLabel;
    const destSubjectId = done.destId;
    const chooser = new DirChooser(this.db, this.store);
    const placed: Placed[] = [];
    for (const rp of plan.resources) placed.push({ plan: rp, dir: rp.target.kind === 'existing' ? rp.target.item.dir : await chooser.choose(subjectResourceDir(run.destId, subjectDir, rp.source.label)) });
    const touched = await this.copyAndCommit(run, placed, async (trx, cp) => {
      const ids: number[] = [];
      for (const p of placed) ids.push(await this.materialize(trx, run, p, { kind: 'subject', subjectId: destSubjectId }));
      cp.subjects[sel.id] = { ...done, resourcesDone: true };
      return ids;
    });
    await forEachLimited(touched, 8, (id) => this.resources.writeCatalog(id));
  }

  /** Copies one session (or subject assessor) with its chosen scans, resources and assessors. */
  async experiment(run: CopyRun, sel: SelectedExperiment): Promise<void> {
    if (run.checkpoint.experiments[sel.id]) return;
    const destSubjectId = run.checkpoint.subjects[sel.subjectId]?.destId;
    if (!destSubjectId) throw new StepFailed(`Its subject could not be copied (${run.checkpoint.failed[sel.subjectId]?.message ?? 'not done'})`);
    const plan = await planExperiment(this.db, run.destId, sel, destSubjectId, run.filter);
    if (plan.problems.length > 0) throw new StepFailed(messageOf(plan.problems));
    const fingerprint = await experimentFingerprint(this.db, sel.id);
    const sessionLabel = plan.target.kind === 'existing' ? plan.target.item.label : sel.destLabel;
    const chooser = new DirChooser(this.db, this.store);
    const dirOf = async (rp: ResourcePlan, natural: string) => (rp.target.kind === 'existing' ? rp.target.item.dir : chooser.choose(natural));
    const own: Placed[] = [];
    for (const rp of plan.resources) own.push({ plan: rp, dir: await dirOf(rp, experimentResourceDir(run.destId, sessionLabel, rp.source.label)) });
    const scans: { index: number; placed: Placed[] }[] = [];
    for (const [index, sp] of plan.scans.entries()) {
      const placed: Placed[] = [];
      for (const rp of sp.resources) placed.push({ plan: rp, dir: await dirOf(rp, scanResourceDir(run.destId, sessionLabel, sp.scan.scanId, rp.source.label)) });
      scans.push({ index, placed });
    }
    const assessors: Placed[][] = [];
    for (const ap of plan.assessors) {
      const placed: Placed[] = [];
      for (const rp of ap.resources) placed.push({ plan: rp, dir: await chooser.choose(assessorResourceDir(run.destId, sessionLabel, ap.destLabel, rp.source.label)) });
      assessors.push(placed);
    }
    const all = [...own, ...scans.flatMap((s) => s.placed), ...assessors.flat()];
    const files = all.reduce((n, p) => n + p.plan.copy.length, 0);
    const bytes = all.reduce((n, p) => n + bytesToCopy(p.plan), 0);
    const touched = await this.copyAndCommit(run, all, async (trx, cp) => {
      const ids: number[] = [];
      const experimentId = await this.experimentRow(trx, run, plan, destSubjectId);
      for (const p of own) ids.push(await this.materialize(trx, run, p, { kind: 'experiment', experimentId }));
      for (const s of scans) {
        const sp = plan.scans[s.index]!;
        const scanPk = sp.target.kind === 'existing' ? sp.target.item.pk
          : (await insertScan(trx, { experimentId, scanId: sp.scan.scanId, xsiType: sp.scan.xsiType, fields: sp.scan.fields })).pk;
        if (sp.target.kind === 'existing' && !(await findScan(trx, experimentId, sp.scan.scanId))) throw conflict(`Scan ${sp.scan.scanId} of the destination session was deleted meanwhile`);
        for (const p of s.placed) ids.push(await this.materialize(trx, run, p, { kind: 'scan', experimentId, scanPk }));
      }
      const assessorIds: Record<string, string> = {};
      for (const [i, ap] of plan.assessors.entries()) {
        const id = await this.ids.next(trx, 'experiment');
        await insertExperiment(trx, { id, projectId: run.destId, subjectId: destSubjectId, label: ap.destLabel, xsiType: ap.source.xsiType, imageSessionId: experimentId, fields: ap.source.fields, createdBy: loginOf(run.actor) });
        assessorIds[ap.source.id] = id;
        for (const p of assessors[i]!) ids.push(await this.materialize(trx, run, p, { kind: 'experiment', experimentId: id }));
      }
      const status = plan.target.kind === 'existing' ? 'merged' : 'copied';
      cp.experiments[sel.id] = { destId: experimentId, status, files, bytes, fingerprint, assessors: assessorIds };
      await audit(trx, run.actor, {
        action: 'copy', entityType: 'experiment', entityId: experimentId, projectId: run.destId, label: sel.destLabel, reason: run.reason,
        details: { transfer: run.transferId, status, source: { project: run.sourceId, id: sel.id, label: sel.sourceLabel }, labelBefore: sel.sourceLabel, labelAfter: sel.destLabel, files, bytes, verified: true },
      });
      return ids;
    });
    await forEachLimited(touched, 8, (id) => this.resources.writeCatalog(id));
  }

  /** Removes what an interrupted step placed but never committed. */
  async cleanPending(run: CopyRun): Promise<void> {
    if (!run.checkpoint.pending) return;
    await removePending(this.db, this.store, run.checkpoint.pending);
    run.checkpoint.pending = null;
    await updateTransfer(this.db, run.transferId, { checkpoint: run.checkpoint });
  }

  /**
   * Places the files, reads them back, and runs `commit` (the rows) in a transaction that also saves
   * the checkpoint; removes the placed files if anything fails before the commit.
   */
  private async copyAndCommit(run: CopyRun, placed: readonly Placed[], commit: (trx: Db, checkpoint: TransferCheckpoint) => Promise<number[]>): Promise<number[]> {
    const copies: FileToCopy[] = placed.flatMap((p) => p.plan.copy.map((f) => ({ from: `${p.plan.source.dir}/${f.path}`, to: `${p.dir}/${f.path}`, size: f.size, md5: f.md5 })));
    run.checkpoint.pending = {
      dirs: placed.filter((p) => p.plan.target.kind === 'new').map((p) => p.dir),
      files: placed.flatMap((p) => (p.plan.target.kind === 'existing' ? p.plan.copy.map((f) => ({ resourceId: (p.plan.target as { item: Resource }).item.id, path: f.path, relative: `${p.dir}/${f.path}` })) : [])),
    };
    await updateTransfer(this.db, run.transferId, { checkpoint: run.checkpoint });
    try {
      const counts = await copyAndVerify(this.store, copies, {
        links: run.links, verifyContent: run.verifyContent, signal: run.signal, throttle: run.throttle, onCopied: (b) => run.onCopied(b), onVerified: (b) => run.onVerified(b),
      });
      const problems = counts.problems;
      await forEachLimited(placed.filter((p) => p.plan.copy.length > 0), 8, (p) => this.store.syncDir(p.dir));
      if (problems.length > 0) {
        throw new StepFailed(describeMismatches(problems, 'the source catalog'), problems);
      }
      const ids = await this.commitCheckpoint(run, async (trx, cp) => {
        await this.recheckMerges(trx, placed);
        const touched = await commit(trx, cp);
        cp.pending = null;
        cp.links += counts.links;
        cp.copies += counts.copies;
        return touched;
      });
      return ids;
    } catch (e) {
      // A worker that lost its lease leaves the files to the one that took over.
      if (!(e instanceof StopRequested && e.reason === 'lease-lost')) await this.cleanPending(run).catch(() => undefined);
      throw e;
    }
  }

  /**
   * Runs `work` in a transaction on a copy of the checkpoint and saves that copy with it; the
   * in-memory checkpoint changes only after the commit (a retried transaction starts clean).
   */
  private async commitCheckpoint<T>(run: CopyRun, work: (trx: Db, checkpoint: TransferCheckpoint) => Promise<T>): Promise<T> {
    let saved: TransferCheckpoint | undefined;
    const result = await withTransaction(this.db, async (trx) => {
      if (!(await run.holdsLease(trx))) throw new StopRequested('lease-lost');
      const cp = structuredClone(run.checkpoint);
      const out = await work(trx, cp);
      await updateTransfer(trx, run.transferId, { checkpoint: cp });
      saved = cp;
      return out;
    });
    Object.assign(run.checkpoint, saved);
    return result;
  }

  /** Files merged into an existing resource must still be new there when the rows are written. */
  private async recheckMerges(trx: Db, placed: readonly Placed[]): Promise<void> {
    for (const p of placed) {
      if (p.plan.target.kind !== 'existing') continue;
      const now = await findResourceById(trx, p.plan.target.item.id);
      if (!now) throw conflict(`Resource ${p.plan.source.label} of the destination was deleted meanwhile`);
      const taken = await existingPaths(trx, now.id, p.plan.copy.map((f) => f.path));
      if (taken.length > 0) throw conflict(`Resource ${p.plan.source.label} of the destination got ${taken[0]} meanwhile`);
    }
  }

  private async experimentRow(trx: Db, run: CopyRun, plan: ExperimentPlan, destSubjectId: string): Promise<string> {
    if (plan.target.kind === 'existing') {
      const now = await findExperimentById(trx, plan.target.item.id);
      if (!now || now.projectId !== run.destId || (now.fields.UID ?? '') !== (plan.target.item.fields.UID ?? '')) throw conflict(`Experiment ${plan.target.item.label} of the destination changed meanwhile`);
      return now.id;
    }
    const id = await this.ids.next(trx, 'experiment');
    await insertExperiment(trx, {
      id, projectId: run.destId, subjectId: destSubjectId, label: plan.sel.destLabel, xsiType: plan.source.xsiType, imageSessionId: null,
      fields: plan.source.fields, createdBy: loginOf(run.actor),
    });
    return id;
  }

  /** The destination resource of a plan (created if new) with the copied files' rows. */
  private async materialize(trx: Db, run: CopyRun, p: Placed, owner: ResourceOwner): Promise<number> {
    const s = p.plan.source;
    const resource = p.plan.target.kind === 'existing' ? p.plan.target.item
      : await insertResource(trx, { owner, label: s.label, format: s.format, content: s.content, description: s.description, tags: s.tags, dir: p.dir });
    await insertCopiedFiles(trx, resource.id, p.plan.copy, loginOf(run.actor));
    await refreshResourceStats(trx, resource.id);
    return resource.id;
  }
}

/** Removes the files a step placed without committing their rows (never files some row refers to). */
export async function removePending(db: Db, store: FileStore, pending: NonNullable<TransferCheckpoint['pending']>): Promise<void> {
  for (const dir of pending.dirs) if (!(await isDirTaken(db, dir))) await removeQuietly(store, { dirs: [dir] });
  for (const f of pending.files) if (!(await findFile(db, f.resourceId, f.path))) await removeQuietly(store, { files: [f.relative] });
}

function messageOf(problems: readonly TransferProblem[]): string {
  return problems.map((p) => p.message).join('; ');
}
