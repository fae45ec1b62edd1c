import type { XnatClient } from '../client/xnat-client.js';
import { dataPath, parseFileUri } from '../download/remote-file.js';
import { fileKey, type ResourceOwnerKey, type SourceFile } from './source-session.js';

export interface DestFile {
  readonly size?: number;
  readonly md5?: string;
}

/** Files of a destination session by fileKey(), with the sizes and MD5s the server lists. */
export async function listDestFiles(dest: XnatClient, base: string): Promise<Map<string, DestFile>> {
  const out = new Map<string, DestFile>();
  const add = (owner: ResourceOwnerKey, resource: string, row: Record<string, string>) => {
    const parsed = parseFileUri(dataPath(row.URI ?? ''));
    if (!parsed) return;
    out.set(fileKey({ owner, resource, path: parsed.path }), { size: row.Size ? Number(row.Size) : undefined, md5: row.digest || undefined });
  };
  for (const row of await dest.rowsOrNone(`${base}/scans/ALL/files`)) {
    const parsed = parseFileUri(row.URI ?? '');
    if (parsed?.scan !== undefined) add({ kind: 'scan', scan: parsed.scan }, row.collection ?? '', row);
  }
  for (const r of await dest.rowsOrNone(`${base}/resources`)) {
    for (const row of await dest.rowsOrNone(`${base}/resources/${encodeURIComponent(r.label ?? '')}/files`)) add({ kind: 'session' }, r.label ?? '', row);
  }
  return out;
}

export function sameContent(source: SourceFile, dest: DestFile): boolean {
  if (source.size !== undefined && dest.size !== undefined && source.size !== dest.size) return false;
  if (source.md5 && dest.md5) return source.md5 === dest.md5;
  return source.size !== undefined && dest.size !== undefined;
}

/** Every source file must be in the destination with the same size and (where both list one) MD5. */
export function verifyCopy(files: readonly SourceFile[], dest: ReadonlyMap<string, DestFile>): { verified: number; failures: string[] } {
  const failures: string[] = [];
  let verified = 0;
  for (const file of files) {
    const there = dest.get(fileKey(file));
    if (!there) failures.push(`${fileKey(file)}: missing from the destination after the copy`);
    else if (!sameContent(file, there)) failures.push(`${fileKey(file)}: size or MD5 differs in the destination`);
    else verified++;
  }
  return { verified, failures };
}
