/** Serialises async work per key within this process (catalog rewrites of one resource). */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<unknown>>();
  private readonly waiting = new Map<string, Promise<unknown>>();

  /**
   * Like `run`, but joins a run of the same key that is queued and has not started yet: work that
   * reads the latest state (rewriting a catalog) then happens once for a burst of changes.
   */
  coalesce(key: string, work: () => Promise<void>): Promise<void> {
    const queued = this.waiting.get(key);
    if (queued) return queued as Promise<void>;
    const started = this.run(key, async () => {
      this.waiting.delete(key);
      await work();
    });
    this.waiting.set(key, started);
    return started;
  }

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const current = previous.catch(() => undefined).then(work);
    this.tails.set(key, current);
    try {
      return await current;
    } finally {
      if (this.tails.get(key) === current) this.tails.delete(key);
    }
  }
}
