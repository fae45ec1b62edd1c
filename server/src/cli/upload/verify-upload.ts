import type { XnatClient } from '../client/xnat-client.js';

/**
 * How many files the server holds for the sessions an import answered with: archive sessions through
 * `scans/ALL/files`, prearchive sessions scan by scan. Prearchive sessions are built in the background,
 * so the count is polled (with backoff) until it reaches `expected` or `timeoutMs` passes.
 */
export async function countUploaded(client: XnatClient, uris: readonly string[], expected: number, timeoutMs = 60_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let delay = 250;
  for (;;) {
    let total = 0;
    for (const uri of uris) total += await filesAt(client, uri);
    if (total >= expected || Date.now() + delay > deadline) return total;
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 5000);
  }
}

async function filesAt(client: XnatClient, uri: string): Promise<number> {
  if (!uri.includes('/prearchive/')) return (await client.rowsOrNone(`${uri}/scans/ALL/files`)).length;
  let count = 0;
  for (const scan of await client.rowsOrNone(`${uri}/scans`)) {
    const id = scan.ID ?? scan.id ?? '';
    for (const resource of await client.rowsOrNone(`${uri}/scans/${encodeURIComponent(id)}/resources`)) {
      const label = resource.label ?? resource.Label ?? '';
      count += (await client.rowsOrNone(`${uri}/scans/${encodeURIComponent(id)}/resources/${encodeURIComponent(label)}/files`)).length;
    }
  }
  return count;
}
