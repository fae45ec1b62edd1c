import type { Kysely } from 'kysely';
import type { FileStore } from '../../archive/file-store.js';
import type { DB, Db } from '../../db/database.js';
import { withTransaction } from '../../db/transaction.js';
import type { Actor } from '../../domain/actor.js';
import { conflict, isAppError } from '../../domain/errors.js';
import type { TransferSelection } from '../../domain/transfer.js';
import { audit } from '../audit.js';
import { deleteExperimentTree, deleteSubjectTree, foreignExperimentsOf } from '../data-deletion.js';
import { experimentFingerprint, subjectFingerprint } from './fingerprint.js';
import type { TransferCheckpoint } from './transfer-checkpoint.js';

interface Deletion {
  readonly kind: 'subject' | 'experiment';
  readonly id: string;
  readonly label: string;
  readonly destId: string;
  readonly destLabel: string;
  readonly fingerprints: readonly { readonly kind: 'subject' | 'experiment'; readonly id: string; readonly fingerprint: string }[];
}

/**
 * The last step of a move, run only after verification passed: deletes the moved items from the
 * source. First every item is checked to be exactly as it was copied (nothing added or changed in
 * the source meanwhile); if any is not, nothing is deleted and the reason is returned.
 */
export async function deleteMovedSource(
  db: Kysely<DB>, store: FileStore, run: { transferId: string; sourceId: string; destId: string; actor: Actor; reason?: string },
  selection: TransferSelection, checkpoint: TransferCheckpoint, save: (checkpoint: TransferCheckpoint, trx: Db) => Promise<void>,
): Promise<{ deleted: boolean; reason: string | null }> {
  const deletions = plannedDeletions(selection, checkpoint).filter((d) => !checkpoint.sourceDeleted.includes(d.id));
  for (const d of deletions) {
    const changed = await firstChanged(db, d);
    if (changed) return { deleted: false, reason: `${changed} changed in project ${run.sourceId} during the transfer, so the source was kept; copy or delete the difference by hand` };
  }
  let done = 0;
  for (const d of deletions) {
    const dirs = await withTransaction(db, async (trx) => {
      const changed = await firstChanged(trx, d);
      if (changed) throw conflict(`${changed} changed in project ${run.sourceId} while the source was being deleted`);
      // Never take another project's data along (the checklist refuses such moves; this is the last guard).
      if (d.kind === 'subject' && (await foreignExperimentsOf(trx, d.id, run.sourceId)).length > 0) {
        throw conflict(`Subject ${d.label} has experiments owned by other projects, so it was not deleted`);
      }
      const removed = d.kind === 'subject' ? await deleteSubjectTree(trx, d.id) : await deleteExperimentTree(trx, d.id);
      await audit(trx, run.actor, {
        action: 'move', entityType: d.kind, entityId: d.id, projectId: run.sourceId, label: d.label, reason: run.reason,
        details: { transfer: run.transferId, destination: run.destId, destId: d.destId, labelBefore: d.label, labelAfter: d.destLabel, verification: 'passed' },
      });
      const cp = structuredClone(checkpoint);
      cp.sourceDeleted.push(d.id);
      await save(cp, trx);
      return removed;
    }).catch((e: unknown) => {
      if (isAppError(e)) return e;
      throw e;
    });
    if (!Array.isArray(dirs)) return { deleted: false, reason: `${dirs.message}${done > 0 ? ` (${done} of ${deletions.length} moved item(s) had been deleted from the source before)` : ''}` };
    done++;
    checkpoint.sourceDeleted.push(d.id);
    for (const dir of dirs) await store.removeDir(dir);
  }
  return { deleted: true, reason: null };
}

/** Whole subjects go with their experiments; sessions chosen alone go without their subject. */
function plannedDeletions(selection: TransferSelection, cp: TransferCheckpoint): Deletion[] {
  const out: Deletion[] = [];
  const whole = new Set(selection.subjects.filter((s) => s.whole).map((s) => s.id));
  for (const s of selection.subjects.filter((x) => x.whole)) {
    const experiments = selection.experiments.filter((e) => e.subjectId === s.id);
    out.push({
      kind: 'subject', id: s.id, label: s.sourceLabel, destId: cp.subjects[s.id]?.destId ?? '', destLabel: s.destLabel,
      fingerprints: [
        { kind: 'subject', id: s.id, fingerprint: cp.subjects[s.id]?.fingerprint ?? '' },
        ...experiments.map((e) => ({ kind: 'experiment' as const, id: e.id, fingerprint: cp.experiments[e.id]?.fingerprint ?? '' })),
      ],
    });
  }
  for (const e of selection.experiments.filter((x) => !whole.has(x.subjectId))) {
    out.push({ kind: 'experiment', id: e.id, label: e.sourceLabel, destId: cp.experiments[e.id]?.destId ?? '', destLabel: e.destLabel, fingerprints: [{ kind: 'experiment', id: e.id, fingerprint: cp.experiments[e.id]?.fingerprint ?? '' }] });
  }
  return out;
}

async function firstChanged(db: Db, d: Deletion): Promise<string | undefined> {
  for (const f of d.fingerprints) {
    const now = f.kind === 'subject' ? await subjectFingerprint(db, f.id) : await experimentFingerprint(db, f.id);
    if (now !== f.fingerprint) return `${d.kind === 'subject' ? 'Subject' : 'Experiment'} ${d.label}`;
  }
  return undefined;
}
