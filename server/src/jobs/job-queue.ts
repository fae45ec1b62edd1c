import { EventEmitter } from 'node:events';
import type { Kysely } from 'kysely';
import type { Dialect } from '../db/create-db.js';
import type { Db, DB } from '../db/database.js';
import type { Job, JobState } from '../domain/job.js';
import {
  claimJob, endJobRun, findJob, insertJob, renewLease, requestJobCancel, saveJobProgress,
} from '../repositories/job.repository.js';
import type { JobName } from './job-types.js';

export interface EnqueueOptions {
  readonly maxAttempts?: number;
  /** ISO timestamp before which the job does not start. */
  readonly runAfter?: string;
}

/**
 * The job queue over the database. Enqueue inside the transaction of the change that needs the job,
 * then call notify() after the commit so an idle worker in this process starts at once (other
 * processes find it by polling).
 */
export class JobQueue {
  private readonly events = new EventEmitter();

  constructor(private readonly db: Kysely<DB>, private readonly dialect: Dialect) {
    this.events.setMaxListeners(0);
  }

  enqueue(trx: Db, name: JobName, payload: unknown, options: EnqueueOptions = {}): Promise<number> {
    return insertJob(trx, { name, payload, maxAttempts: options.maxAttempts ?? 5, runAfter: options.runAfter });
  }

  notify(): void {
    this.events.emit('enqueued');
  }

  onEnqueued(listener: () => void): () => void {
    this.events.on('enqueued', listener);
    return () => this.events.off('enqueued', listener);
  }

  onCancel(listener: (jobId: number) => void): () => void {
    this.events.on('cancel', listener);
    return () => this.events.off('cancel', listener);
  }

  find(id: number): Promise<Job | undefined> {
    return findJob(this.db, id);
  }

  claim(names: readonly string[], workerId: string, leaseMs: number): Promise<Job | undefined> {
    return claimJob(this.db, this.dialect, names, workerId, leaseMs);
  }

  renew(id: number, workerId: string, leaseMs: number): Promise<{ cancelRequested: boolean } | undefined> {
    return renewLease(this.db, id, workerId, leaseMs);
  }

  progress(id: number, workerId: string, summary: Record<string, unknown>): Promise<void> {
    return saveJobProgress(this.db, id, workerId, summary);
  }

  end(id: number, workerId: string, end: { state: JobState; error?: string | null; runAfter?: string; refundAttempt?: boolean }): Promise<void> {
    return endJobRun(this.db, id, workerId, end);
  }

  /** Cancels a queued job at once, or asks a running one to stop; returns the job's state afterwards. */
  async cancel(trx: Db, id: number): Promise<JobState | undefined> {
    return requestJobCancel(trx, id);
  }

  /** Tells workers in this process to stop the job now rather than at their next lease renewal. */
  announceCancel(id: number): void {
    this.events.emit('cancel', id);
  }
}
