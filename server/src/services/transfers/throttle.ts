/** Limits the average rate of file work (bytes per second) so a big transfer leaves disk time for others. */
export class Throttle {
  private readonly started = Date.now();
  private bytes = 0;

  /** `bytesPerSecond` 0 means unlimited. */
  constructor(private readonly bytesPerSecond: number) {}

  /** Counts `n` bytes and waits until the average rate is back under the limit. */
  async take(n: number, signal?: AbortSignal): Promise<void> {
    if (this.bytesPerSecond <= 0) return;
    this.bytes += n;
    const due = this.started + (this.bytes / this.bytesPerSecond) * 1000;
    const wait = due - Date.now();
    if (wait > 0) await delay(Math.min(wait, 5_000), signal);
  }
}

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(finish, ms);
    signal?.addEventListener('abort', finish, { once: true });
    function finish() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', finish);
      resolve();
    }
  });
}

/** Runs `work` over `items` with at most `concurrency` at a time; the first failure stops new work and is rethrown. */
export async function forEachLimited<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed: unknown;
  const lane = async () => {
    while (failed === undefined && next < items.length) {
      const item = items[next++] as T;
      try {
        await work(item);
      } catch (e) {
        failed ??= e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, lane));
  if (failed !== undefined) throw failed;
}
