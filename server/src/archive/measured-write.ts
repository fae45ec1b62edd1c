import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../domain/errors.js';

/**
 * Streams `source` into a new file, counting and hashing (MD5) as it goes; past `maxBytes` it fails
 * with payload_too_large, a full disk with storage_full. Nothing is left behind on failure.
 * `flush` makes the bytes durable before it returns; `keepHead` keeps a copy of the first bytes.
 */
export async function writeMeasured(
  source: Readable | AsyncIterable<Buffer>,
  target: string,
  options: { maxBytes: number; flush: boolean; disk: string; keepHead?: number },
): Promise<{ size: number; md5: string; head?: Buffer }> {
  const hash = crypto.createHash('md5');
  let size = 0;
  const keep = options.keepHead ?? 0;
  const head: Buffer[] = [];
  let kept = 0;
  try {
    await pipeline(
      source,
      async function* (chunks: AsyncIterable<Buffer | string>) {
        for await (const chunk of chunks) {
          const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
          size += buf.length;
          if (size > options.maxBytes) throw new AppError('payload_too_large', `File is larger than the limit of ${options.maxBytes} bytes`);
          hash.update(buf);
          if (kept < keep) {
            head.push(buf.subarray(0, keep - kept));
            kept += Math.min(buf.length, keep - kept);
          }
          yield buf;
        }
      },
      fs.createWriteStream(target, { flush: options.flush }),
    );
  } catch (e) {
    await fsp.rm(target, { force: true });
    if ((e as NodeJS.ErrnoException).code === 'ENOSPC') throw new AppError('storage_full', `The ${options.disk} disk is full`);
    throw e;
  }
  return { size, md5: hash.digest('hex'), ...(keep > 0 && { head: Buffer.concat(head, kept) }) };
}
