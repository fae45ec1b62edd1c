import crypto from 'node:crypto';
import type { Job } from '../domain/job.js';
import { holdsLease } from '../repositories/job.repository.js';
import type { JobQueue } from './job-queue.js';
import type { JobRegistry } from './job-registry.js';
import { stopReasonOf, type JobContext, type JobOutcome, type StopReason } from './job-types.js';

export interface WorkerOptions {
  /** Jobs run at the same time by this worker. */
  readonly concurrency: number;
  /** How long a claimed job stays ours without a heartbeat; after that another worker may resume it. */
  readonly leaseMs: number;
  /** How often an idle worker looks for jobs enqueued by other processes. */
  readonly pollMs: number;
  readonly log?: (message: string, error?: unknown) => void;
}

interface Running {
  readonly job: Job;
  readonly controller: AbortController;
  readonly done: Promise<void>;
}

/**
 * Claims jobs and runs their handlers with a lease kept alive by a heartbeat. Stopping asks running
 * handlers to stop and puts their jobs back in the queue, so they resume on the next start; a crash
 * leaves the lease to run out, after which any worker resumes the job.
 */
export class JobWorker {
  readonly workerId = `worker-${crypto.randomUUID()}`;
  private readonly running = new Map<number, Running>();
  private stopping = false;
  private loopDone: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private readonly unsubscribe: (() => void)[] = [];

  constructor(private readonly queue: JobQueue, private readonly registry: JobRegistry, private readonly options: WorkerOptions) {}

  start(): void {
    if (this.loopDone) return;
    this.stopping = false;
    this.unsubscribe.push(this.queue.onEnqueued(() => this.wake?.()));
    this.unsubscribe.push(this.queue.onCancel((id) => this.running.get(id)?.controller.abort('cancel' satisfies StopReason)));
    this.loopDone = this.loop();
  }

  /** Stops claiming, asks running handlers to stop, and waits for them to hand their jobs back. */
  async stop(): Promise<void> {
    if (!this.loopDone) return;
    this.stopping = true;
    this.wake?.();
    for (const r of this.running.values()) r.controller.abort('shutdown' satisfies StopReason);
    await this.loopDone;
    await Promise.all([...this.running.values()].map((r) => r.done));
    for (const off of this.unsubscribe.splice(0)) off();
    this.loopDone = undefined;
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      if (this.running.size >= this.options.concurrency) {
        await this.idle(this.options.pollMs);
        continue;
      }
      let job: Job | undefined;
      try {
        job = await this.queue.claim(this.registry.names, this.workerId, this.options.leaseMs);
      } catch (e) {
        this.options.log?.('job worker: claiming failed', e);
      }
      if (!job) {
        await this.idle(this.options.pollMs);
        continue;
      }
      if (this.stopping) {
        await this.queue.end(job.id, this.workerId, { state: 'queued', refundAttempt: true }).catch(() => undefined);
        break;
      }
      this.launch(job);
    }
  }

  private idle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done() {
        clearTimeout(timer);
        if (self.wake === done) self.wake = undefined;
        resolve();
      }
      this.wake = done;
    });
  }

  private launch(job: Job): void {
    const controller = new AbortController();
    if (job.cancelRequested) controller.abort('cancel' satisfies StopReason);
    const done = this.execute(job, controller).catch((e) => this.options.log?.(`job ${job.id}: could not record its end`, e)).finally(() => {
      this.running.delete(job.id);
      this.wake?.();
    });
    this.running.set(job.id, { job, controller, done });
  }

  private async execute(job: Job, controller: AbortController): Promise<void> {
    const handler = this.registry.get(job.name);
    if (!handler) {
      await this.queue.end(job.id, this.workerId, { state: 'failed', error: `No handler for job '${job.name}'` });
      return;
    }
    if (job.attempts > job.maxAttempts) {
      // Claimed again after its last attempt never ended: the process died while running it each time.
      const reason = `Gave up after ${job.maxAttempts} attempts that did not finish (the server stopped while running it)`;
      await handler.abandon?.(job.payload, reason).catch((e) => this.options.log?.(`job ${job.id}: abandon failed`, e));
      await this.queue.end(job.id, this.workerId, { state: 'failed', error: reason });
      return;
    }
    const stopHeartbeat = this.heartbeat(job.id, controller);
    const context: JobContext = {
      jobId: job.id,
      attempt: job.attempts,
      signal: controller.signal,
      progress: (summary) => this.queue.progress(job.id, this.workerId, summary),
      holdsLease: (db) => holdsLease(db, job.id, this.workerId),
    };
    let outcome: JobOutcome;
    try {
      outcome = await handler.run(job.payload, context);
    } catch (e) {
      this.options.log?.(`job ${job.id} (${job.name}) failed`, e);
      const message = e instanceof Error ? e.message : String(e);
      outcome = job.attempts < job.maxAttempts
        ? { kind: 'retry', afterMs: Math.min(60_000, 1000 * 2 ** job.attempts), reason: message }
        : { kind: 'failed', reason: message };
    } finally {
      stopHeartbeat();
    }
    await this.record(job, outcome, stopReasonOf(controller.signal));
  }

  private async record(job: Job, outcome: JobOutcome, stop: StopReason | undefined): Promise<void> {
    if (stop === 'lease-lost') return; // another worker owns the job now
    if (outcome.kind === 'stopped' || (stop !== undefined && outcome.kind !== 'done')) {
      if (stop === 'cancel') await this.queue.end(job.id, this.workerId, { state: 'cancelled' });
      else await this.queue.end(job.id, this.workerId, { state: 'queued', refundAttempt: true });
      return;
    }
    switch (outcome.kind) {
      case 'done':
      case 'skipped':
        return this.queue.end(job.id, this.workerId, { state: 'done', error: null });
      case 'failed':
        this.options.log?.(`job ${job.id} (${job.name}) failed: ${outcome.reason}`);
        return this.queue.end(job.id, this.workerId, { state: 'failed', error: outcome.reason });
      case 'retry':
        if (job.attempts >= job.maxAttempts) return this.queue.end(job.id, this.workerId, { state: 'failed', error: outcome.reason });
        return this.queue.end(job.id, this.workerId, { state: 'queued', error: outcome.reason, runAfter: new Date(Date.now() + outcome.afterMs).toISOString() });
    }
  }

  /** Renews the lease while the job runs and turns a cancel request or a lost lease into an abort. */
  private heartbeat(jobId: number, controller: AbortController): () => void {
    const every = Math.max(50, Math.min(1000, Math.floor(this.options.leaseMs / 3)));
    let timer: NodeJS.Timeout | undefined;
    let stopped = false;
    const beat = async () => {
      try {
        const lease = await this.queue.renew(jobId, this.workerId, this.options.leaseMs);
        if (!lease) controller.abort('lease-lost' satisfies StopReason);
        else if (lease.cancelRequested) controller.abort('cancel' satisfies StopReason);
      } catch (e) {
        this.options.log?.(`job ${jobId}: lease renewal failed`, e);
      }
      if (!stopped) timer = setTimeout(() => void beat(), every);
    };
    timer = setTimeout(() => void beat(), every);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }
}
