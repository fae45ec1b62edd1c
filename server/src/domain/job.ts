/** A unit of background work as stored in the job table (the queue lives in jobs/). */
export type JobState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

export interface Job {
  readonly id: number;
  readonly name: string;
  readonly payload: unknown;
  readonly state: JobState;
  readonly attempts: number;
  readonly maxAttempts: number;
  readonly cancelRequested: boolean;
  readonly lastError: string | null;
  readonly createdAt: string;
  readonly finishedAt: string | null;
}
