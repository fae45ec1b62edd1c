import path from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FileStore } from '../archive/file-store.js';

/** Content types by extension for downloads; anything else is octet-stream and an attachment. */
const TYPES: Record<string, string> = {
  '.dcm': 'application/dicom', '.txt': 'text/plain; charset=utf-8', '.csv': 'text/csv; charset=utf-8', '.json': 'application/json',
  '.xml': 'application/xml', '.html': 'text/html; charset=utf-8', '.pdf': 'application/pdf', '.png': 'image/png', '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg', '.gif': 'image/gif', '.zip': 'application/zip', '.gz': 'application/gzip', '.nii': 'application/octet-stream',
};
/** Large reads cost less CPU per byte than the 64 KiB default. */
const READ_CHUNK = 1024 * 1024;
const INLINE = new Set(['.txt', '.csv', '.json', '.png', '.jpg', '.jpeg', '.gif', '.pdf']);

export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/**
 * Parses a single `Range: bytes=...` header (start-end, start-, -suffix). Returns undefined for no
 * or unsupported (multi-range) headers, which are answered with the whole file, and 'invalid'
 * when the range cannot be satisfied.
 */
export function parseRange(header: string | undefined, size: number): ByteRange | 'invalid' | undefined {
  if (!header) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m) return header.includes(',') ? undefined : 'invalid';
  const [, a, b] = m as unknown as [string, string, string];
  if (a === '' && b === '') return 'invalid';
  let start: number;
  let end: number;
  if (a === '') {
    const suffix = Number(b);
    if (suffix === 0) return 'invalid';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(a);
    end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  }
  if (start >= size || start > end) return 'invalid';
  return { start, end };
}

/** Streams one archive file with ETag (its MD5), conditional GET and byte ranges, so downloads resume. */
export async function sendArchiveFile(request: FastifyRequest, reply: FastifyReply, store: FileStore, file: { relativePath: string; name: string; size: number; md5: string; storedAt?: string }): Promise<void> {
  const ext = path.extname(file.name).toLowerCase();
  const etag = `"${file.md5}"`;
  reply.header('ETag', etag).header('Accept-Ranges', 'bytes').header('Cache-Control', 'must-revalidate');
  // pyxnat's File.last_modified() reads this header from a HEAD request.
  if (file.storedAt) reply.header('Last-Modified', new Date(file.storedAt).toUTCString());
  reply.type(TYPES[ext] ?? 'application/octet-stream');
  const disposition = INLINE.has(ext) ? 'inline' : 'attachment';
  reply.header('Content-Disposition', `${disposition}; filename="${file.name.replace(/["\\\r\n]/g, '_')}"`);
  if (request.headers['if-none-match'] === etag) return void (await reply.code(304).send());
  const ifRange = request.headers['if-range'];
  const range = ifRange && ifRange !== etag ? undefined : parseRange(request.headers.range, file.size);
  if (range === 'invalid') {
    return void (await reply.code(416).header('Content-Range', `bytes */${file.size}`).type('text/plain; charset=utf-8').send(`Requested range not satisfiable for a file of ${file.size} bytes`));
  }
  if (range) {
    reply.code(206).header('Content-Range', `bytes ${range.start}-${range.end}/${file.size}`).header('Content-Length', range.end - range.start + 1);
    if (request.method === 'HEAD') return void (await reply.send());
    return void (await reply.send(store.openRead(file.relativePath, range, { highWaterMark: READ_CHUNK })));
  }
  reply.code(200).header('Content-Length', file.size);
  if (request.method === 'HEAD') return void (await reply.send());
  await reply.send(store.openRead(file.relativePath, undefined, { highWaterMark: READ_CHUNK }));
}
