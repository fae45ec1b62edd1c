import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { HttpError, type XnatClient } from '../client/xnat-client.js';
import { md5OfFile, sizeOf } from '../client/local-files.js';
import type { RemoteFile } from './remote-file.js';

export type Verification = 'md5' | 'size' | 'none';

export type FetchOutcome =
  | { readonly kind: 'present' | 'downloaded'; readonly bytes: number; readonly verifiedBy: Verification }
  | { readonly kind: 'resumed'; readonly bytes: number; readonly verifiedBy: Verification; readonly resumedAt: number }
  | { readonly kind: 'failed'; readonly reason: string };

const ATTEMPTS = 4;
const RETRY_STATUSES = new Set([408, 429, 502, 503, 504]);

/**
 * Fetches one file into `target`, resumably: bytes land in `target.part`, a later run (or a retry after a
 * dropped connection) asks only for the rest with `Range` (and `If-Range` with the MD5 ETag, so a file
 * that changed on the server is fetched whole again), and the file is renamed into place only once its
 * size and MD5 match the listing. A file already there with the right MD5 is left alone.
 */
export async function fetchFile(client: XnatClient, file: RemoteFile, target: string, onBytes: (n: number) => void): Promise<FetchOutcome> {
  const present = await alreadyPresent(file, target);
  if (present) return present;
  const part = `${target}.part`;
  await fsp.mkdir(path.dirname(target), { recursive: true });
  let lastError = '';
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    let offset = (await sizeOf(part)) ?? 0;
    if (file.size !== undefined && offset > file.size) offset = 0;
    try {
      const headers: Record<string, string> = offset > 0 ? { range: `bytes=${offset}-`, ...(file.md5 && { 'if-range': `"${file.md5}"` }) } : {};
      const res = await client.request('GET', file.url, { headers, accept: [200, 206, 416] });
      const hash = crypto.createHash('md5');
      if (res.status === 416) {
        // The part already holds every byte the server has: check it as it is.
        await res.body?.cancel();
        await hashPrefix(part, offset, hash);
      } else {
        // 206 continues the part; 200 means no ranges here or a changed file: start over.
        if (res.status === 206) await hashPrefix(part, offset, hash);
        else offset = 0;
        const tap = new Transform({
          transform(chunk: Buffer, _encoding, callback) {
            hash.update(chunk);
            onBytes(chunk.length);
            callback(null, chunk);
          },
        });
        await pipeline(Readable.fromWeb(res.body as never), tap, fs.createWriteStream(part, { flags: res.status === 206 ? 'a' : 'w' }));
      }
      const size = (await sizeOf(part)) ?? 0;
      const problem = mismatch(file, size, hash.digest('hex'));
      if (problem) {
        await fsp.rm(part, { force: true });
        lastError = problem;
        continue;
      }
      await fsp.rename(part, target);
      const verifiedBy: Verification = file.md5 ? 'md5' : file.size !== undefined ? 'size' : 'none';
      return offset > 0 ? { kind: 'resumed', bytes: size - offset, verifiedBy, resumedAt: offset } : { kind: 'downloaded', bytes: size, verifiedBy };
    } catch (e) {
      lastError = e instanceof HttpError ? `${e.status} ${e.detail}` : (e as Error).message;
      if (e instanceof HttpError && !RETRY_STATUSES.has(e.status)) break;
      if (attempt < ATTEMPTS) await new Promise((r) => setTimeout(r, 500 * 2 ** (attempt - 1)));
    }
  }
  return { kind: 'failed', reason: lastError };
}

async function alreadyPresent(file: RemoteFile, target: string): Promise<FetchOutcome | undefined> {
  const size = await sizeOf(target);
  if (size === undefined) return undefined;
  if (file.size !== undefined && size !== file.size) return undefined;
  if (file.md5) return (await md5OfFile(target)) === file.md5 ? { kind: 'present', bytes: size, verifiedBy: 'md5' } : undefined;
  return { kind: 'present', bytes: size, verifiedBy: file.size !== undefined ? 'size' : 'none' };
}

function mismatch(file: RemoteFile, size: number, md5: string): string | undefined {
  if (file.size !== undefined && size !== file.size) return `got ${size} bytes, the server lists ${file.size}`;
  if (file.md5 && md5 !== file.md5) return `MD5 ${md5} differs from the server's ${file.md5}`;
  return undefined;
}

async function hashPrefix(file: string, length: number, hash: crypto.Hash): Promise<void> {
  if (length <= 0) return;
  for await (const chunk of fs.createReadStream(file, { start: 0, end: length - 1, highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
}
