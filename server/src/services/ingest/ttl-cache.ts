/**
 * Remembers loaded values for a short time (configuration read per received instance). Concurrent callers
 * share one load; a failed load is not remembered.
 */
export class TtlCache<T> {
  private readonly entries = new Map<string, { at: number; value: Promise<T> }>();

  constructor(private readonly ttlMs: number, private readonly now: () => number = Date.now) {}

  get(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    const at = this.now();
    if (hit && at - hit.at < this.ttlMs) return hit.value;
    const value = load();
    this.entries.set(key, { at, value });
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    return value;
  }
}
