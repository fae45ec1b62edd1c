import type { JobHandler, JobName } from './job-types.js';

/** Every job name; the registry refuses to start unless each has exactly one handler. */
export const JOB_NAMES: readonly JobName[] = ['transfer.run'];

export class JobRegistry {
  private readonly handlers = new Map<string, JobHandler<any>>();

  constructor(handlers: readonly JobHandler<any>[]) {
    for (const h of handlers) {
      if (this.handlers.has(h.name)) throw new Error(`Two handlers for job '${h.name}'`);
      this.handlers.set(h.name, h);
    }
    const missing = JOB_NAMES.filter((n) => !this.handlers.has(n));
    if (missing.length > 0) throw new Error(`No handler for job(s): ${missing.join(', ')}`);
  }

  get(name: string): JobHandler<any> | undefined {
    return this.handlers.get(name);
  }

  get names(): string[] {
    return [...this.handlers.keys()];
  }
}
