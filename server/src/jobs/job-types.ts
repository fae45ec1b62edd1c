import type { Db } from '../db/database.js';

export type { Job, JobState } from '../domain/job.js';

/**
 * The vocabulary of background jobs (style.md §8). Every job name has exactly one handler; the
 * registry refuses to start otherwise.
 */
export type JobName = 'transfer.run';

/** What a handler reports when it returns. Throwing counts as a retryable failure. */
export type JobOutcome =
  | { readonly kind: 'done' }
  | { readonly kind: 'skipped'; readonly reason: string }
  | { readonly kind: 'retry'; readonly afterMs: number; readonly reason: string }
  | { readonly kind: 'failed'; readonly reason: string }
  /** The handler stopped because it was asked to (cancel or shutdown); see JobContext.signal. */
  | { readonly kind: 'stopped' };

/** Why a running job is asked to stop: a user cancelled it, the server is stopping, or another worker took its lease. */
export type StopReason = 'cancel' | 'shutdown' | 'lease-lost';

export interface JobContext {
  readonly jobId: number;
  /** 1 on the first run, more when resumed after a crash or a retry. */
  readonly attempt: number;
  /** Aborted with a StopReason; handlers check it between steps and return { kind: 'stopped' }. */
  readonly signal: AbortSignal;
  /** Records a small progress summary on the job row (throttled by the caller). */
  progress(summary: Record<string, unknown>): Promise<void>;
  /**
   * Whether this worker still holds the job, read through `db` (pass the transaction that commits
   * the work): a worker that stalled past its lease must not commit over the one that took over.
   */
  holdsLease(db: Db): Promise<boolean>;
}

export interface JobHandler<P = unknown> {
  readonly name: JobName;
  /** Must be idempotent: a job interrupted by a crash runs again from the start of the handler. */
  run(payload: P, context: JobContext): Promise<JobOutcome>;
  /**
   * Called instead of run() when the job has used up its attempts without ending (it kept crashing
   * the process, for example), so the handler can record the failure on its own records.
   */
  abandon?(payload: P, reason: string): Promise<void>;
}

export function stopReasonOf(signal: AbortSignal): StopReason | undefined {
  return signal.aborted ? (signal.reason as StopReason) : undefined;
}
