import fsp from 'node:fs/promises';
import path from 'node:path';

/** Removes the entries of a scratch folder not touched for `olderThanMs` (leftovers of interrupted writes); returns how many. */
export async function removeStaleEntries(dir: string, olderThanMs: number): Promise<number> {
  let removed = 0;
  const cutoff = Date.now() - olderThanMs;
  for (const name of await fsp.readdir(dir).catch(() => [] as string[])) {
    const full = path.join(dir, name);
    const s = await fsp.stat(full).catch(() => undefined);
    if (s && s.mtimeMs < cutoff) {
      await fsp.rm(full, { recursive: true, force: true });
      removed++;
    }
  }
  return removed;
}
