import type { Transfer, TransferReport } from '../../domain/transfer.js';
import type { ProgressTracker } from './progress-tracker.js';
import type { TransferCheckpoint } from './transfer-checkpoint.js';

const NO_COUNTS = { subjects: 0, experiments: 0, scans: 0, resources: 0, files: 0, bytes: 0 };

export interface ReportParts {
  readonly verification?: TransferReport['verification'];
  readonly source?: { deleted: boolean; reason: string | null };
  readonly progress?: ProgressTracker;
  /** Why the transfer could not run at all. */
  readonly failure?: string;
}

/** The report a finished (or cancelled) transfer keeps: what went where, the verification, and the source's fate. */
export function buildReport(t: Transfer, cp: TransferCheckpoint, outcome: TransferReport['outcome'], parts: ReportParts): TransferReport {
  const verification = parts.verification ?? { passed: false, expected: NO_COUNTS, found: NO_COUNTS, problems: [] };
  const experiments = t.selection.experiments.map((e) => {
    const done = cp.experiments[e.id];
    const failed = cp.failed[e.id];
    return {
      sourceId: e.id, sourceLabel: e.sourceLabel, destId: done?.destId ?? null, destLabel: e.destLabel,
      status: done ? done.status : failed ? 'failed' as const : 'not-done' as const,
      files: done?.files ?? 0, bytes: done?.bytes ?? 0, ...(failed && { error: failed.message }),
    };
  });
  const subjects = t.selection.subjects.map((s) => {
    const done = cp.subjects[s.id];
    return { sourceId: s.id, sourceLabel: s.sourceLabel, destId: done?.destId ?? null, destLabel: s.destLabel, status: done?.status ?? 'not-done' as const };
  });
  const bytes = experiments.reduce((n, e) => n + e.bytes, 0);
  const files = experiments.reduce((n, e) => n + e.files, 0);
  const started = t.startedAt ? Date.parse(t.startedAt) : Date.now();
  const durationMs = Math.max(0, Date.now() - started);
  const method = cp.links > 0 && cp.copies > 0 ? 'mixed' : cp.links > 0 ? 'hardlink' : cp.copies > 0 ? 'copy' : 'none';
  return {
    outcome,
    message: messageFor(t, outcome, parts, { files, bytes, failed: experiments.filter((e) => e.status === 'failed').length, copied: experiments.filter((e) => e.status === 'copied' || e.status === 'merged').length }, verification),
    method, subjects, experiments, verification,
    sourceDeleted: parts.source?.deleted ?? false,
    sourceKeptReason: t.mode === 'move' && !parts.source?.deleted ? (parts.source?.reason ?? (outcome === 'cancelled' ? 'The transfer was cancelled before the source was deleted' : parts.failure ?? 'The transfer did not finish')) : null,
    durationMs,
    mbPerSecond: durationMs > 0 ? Math.round((bytes / 1e6 / (durationMs / 1000)) * 10) / 10 : 0,
  };
}

function messageFor(t: Transfer, outcome: TransferReport['outcome'], parts: ReportParts, n: { files: number; bytes: number; failed: number; copied: number }, v: TransferReport['verification']): string {
  const what = `${n.copied} of ${t.selection.experiments.length} experiment(s), ${n.files} file(s), ${n.bytes} bytes, from ${t.source} to ${t.destination}`;
  if (parts.failure) return parts.failure;
  if (outcome === 'cancelled') return `Cancelled after copying ${what}; what was copied stays in ${t.destination}${t.mode === 'move' ? ' and the source is untouched' : ''}`;
  const verdict = v.passed ? 'verification passed' : `verification FAILED (${v.problems.length} problem(s), ${n.failed} experiment(s) not copied)`;
  if (t.mode === 'copy') return `Copied ${what}; ${verdict}`;
  if (parts.source?.deleted) return `Moved ${what}; ${verdict}; the source was deleted`;
  return `Copied ${what} for a move; ${verdict}; the source was kept: ${parts.source?.reason ?? 'not deleted'}`;
}
