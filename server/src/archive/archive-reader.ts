import fs from 'node:fs';
import fsp from 'node:fs/promises';
import type { Readable } from 'node:stream';
import zlib from 'node:zlib';
import yauzl from 'yauzl';
import tar from 'tar-stream';
import { AppError, invalidInput } from '../domain/errors.js';
import { checkFilePath } from '../domain/names.js';

/**
 * Reads uploaded zip and tar(.gz) archives safely: every entry path is checked (no absolute
 * paths, no '..', no control characters), links and special files are refused, and sizes and
 * compression ratios are bounded, all before the caller writes anything.
 */
export type ArchiveKind = 'zip' | 'tar' | 'tgz';

export interface ArchiveLimits {
  readonly maxEntries: number;
  readonly maxEntryBytes: number;
  readonly maxTotalBytes: number;
  /** Uncompressed/compressed ratio above which an entry (zip) or the whole archive (tgz) is a bomb. */
  readonly maxRatio: number;
}

export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = {
  maxEntries: 200_000,
  maxEntryBytes: 8 * 1024 ** 3,
  maxTotalBytes: 64 * 1024 ** 3,
  maxRatio: 200,
};

export interface ArchiveEntryInfo {
  readonly path: string;
  readonly size: number;
}

/** Recognises an archive from its first bytes. */
export async function detectArchiveKind(file: string): Promise<ArchiveKind | undefined> {
  const handle = await fsp.open(file, 'r');
  try {
    const head = Buffer.alloc(512);
    const { bytesRead } = await handle.read(head, 0, 512, 0);
    if (bytesRead >= 4 && head[0] === 0x50 && head[1] === 0x4b && (head[2] === 3 || head[2] === 5) && (head[3] === 4 || head[3] === 6)) return 'zip';
    if (bytesRead >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'tgz';
    if (bytesRead >= 262 && head.subarray(257, 262).toString('latin1') === 'ustar') return 'tar';
    return undefined;
  } finally {
    await handle.close();
  }
}

/** Entries we never store: folders and macOS resource-fork litter. */
function isIgnored(name: string): boolean {
  return name.endsWith('/') || name.startsWith('__MACOSX/') || name.split('/').pop() === '.DS_Store';
}

function entryPath(raw: string): string {
  try {
    return checkFilePath(raw.replace(/^(\.\/)+/, '').replace(/^\/+/, ''));
  } catch (e) {
    throw invalidInput(`Archive entry '${raw}' has an unsafe path: ${(e as Error).message}`);
  }
}

/**
 * Walks the archive, validating every entry; with `onEntry` also streams each file's content to it.
 * Without `onEntry` it only checks and lists (the first pass before anything is written).
 */
export async function walkArchive(
  file: string,
  kind: ArchiveKind,
  limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS,
  onEntry?: (entry: ArchiveEntryInfo, content: Readable) => Promise<void>,
  options: { concurrency?: number } = {},
): Promise<ArchiveEntryInfo[]> {
  const budget = new Budget(limits, (await fsp.stat(file)).size, kind);
  return kind === 'zip' ? walkZip(file, budget, onEntry, Math.max(1, options.concurrency ?? 1)) : walkTar(file, kind === 'tgz', budget, onEntry);
}

class Budget {
  private entries = 0;
  private total = 0;
  constructor(readonly limits: ArchiveLimits, private readonly archiveBytes: number, private readonly kind: ArchiveKind) {}

  entry(path: string, size: number, compressed?: number): void {
    if (++this.entries > this.limits.maxEntries) throw new AppError('payload_too_large', `Archive has more than ${this.limits.maxEntries} entries`);
    if (size > this.limits.maxEntryBytes) throw new AppError('payload_too_large', `Archive entry '${path}' is larger than ${this.limits.maxEntryBytes} bytes`);
    if (compressed !== undefined && size > 1024 * 1024 && size / Math.max(compressed, 1) > this.limits.maxRatio) {
      throw invalidInput(`Archive entry '${path}' expands ${Math.round(size / Math.max(compressed, 1))}:1, more than the ${this.limits.maxRatio}:1 allowed (a zip bomb?)`);
    }
    this.grow(size);
  }

  grow(bytes: number): void {
    this.total += bytes;
    if (this.total > this.limits.maxTotalBytes) throw new AppError('payload_too_large', `Archive expands to more than ${this.limits.maxTotalBytes} bytes`);
    if (this.kind === 'tgz' && this.total > 64 * 1024 * 1024 && this.total / Math.max(this.archiveBytes, 1) > this.limits.maxRatio) {
      throw invalidInput(`Archive expands more than ${this.limits.maxRatio}:1 (a compression bomb?)`);
    }
  }
}

/**
 * Zip entries are checked in order; with `onEntry`, up to `concurrency` of them are read at once (a
 * zip allows random access, and many small files are dominated by per-file latency).
 */
function walkZip(file: string, budget: Budget, onEntry: ((e: ArchiveEntryInfo, s: Readable) => Promise<void>) | undefined, concurrency: number): Promise<ArchiveEntryInfo[]> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true, validateEntrySizes: true, strictFileNames: false, decodeStrings: true }, (err, zip) => {
      if (err || !zip) return reject(invalidInput(`Not a readable zip archive: ${err?.message ?? 'unknown error'}`));
      const out: ArchiveEntryInfo[] = [];
      const running = new Set<Promise<void>>();
      let failed = false;
      let ended = false;
      let waiting = false;
      const fail = (e: unknown) => {
        if (failed) return;
        failed = true;
        // Let the entries under way finish (or fail) before the caller cleans up after them.
        void Promise.allSettled([...running]).then(() => {
          zip.close();
          const message = (e as Error).message;
          // yauzl checks entry names itself; its refusals are unsafe paths, not broken archives.
          if (/invalid relative path|absolute path|invalid characters in fileName/.test(message)) reject(invalidInput(`Archive entry has an unsafe path: ${message}`));
          else reject(e instanceof AppError ? e : invalidInput(`Broken zip archive: ${message}`));
        });
      };
      const finishIfDone = () => {
        if (ended && running.size === 0 && !failed) resolve(out);
      };
      const next = () => {
        if (failed || ended) return;
        if (running.size >= concurrency) {
          waiting = true;
          return;
        }
        zip.readEntry();
      };
      zip.on('error', fail);
      zip.on('end', () => {
        ended = true;
        finishIfDone();
      });
      zip.on('entry', (entry: yauzl.Entry) => {
        try {
          if (isIgnored(entry.fileName)) return next();
          const mode = (entry.externalFileAttributes >>> 16) & 0o170000;
          if (mode === 0o120000) throw invalidInput(`Archive entry '${entry.fileName}' is a symbolic link; links are not accepted`);
          if (mode !== 0 && mode !== 0o100000) throw invalidInput(`Archive entry '${entry.fileName}' is not a regular file`);
          const info = { path: entryPath(entry.fileName), size: entry.uncompressedSize };
          budget.entry(info.path, entry.uncompressedSize, entry.compressedSize);
          out.push(info);
          if (!onEntry) return next();
          const work = (async () => {
            const stream = await new Promise<Readable>((res, rej) => zip.openReadStream(entry, (e, s) => (e || !s ? rej(e) : res(s))));
            await onEntry(info, stream);
          })();
          running.add(work);
          work.then(() => {
            running.delete(work);
            if (waiting) {
              waiting = false;
              next();
            }
            finishIfDone();
          }, (e: unknown) => {
            running.delete(work);
            fail(e);
          });
          next();
        } catch (e) {
          fail(e);
        }
      });
      zip.readEntry();
    });
  });
}

async function walkTar(file: string, gzipped: boolean, budget: Budget, onEntry?: (e: ArchiveEntryInfo, s: Readable) => Promise<void>): Promise<ArchiveEntryInfo[]> {
  const out: ArchiveEntryInfo[] = [];
  const extract = tar.extract();
  const source = fs.createReadStream(file);
  const input = gzipped ? source.pipe(zlib.createGunzip()) : source;
  input.on('error', (e: Error) => extract.destroy(invalidInput(`Broken ${gzipped ? 'tar.gz' : 'tar'} archive: ${e.message}`)));
  input.pipe(extract);
  try {
    for await (const entry of extract) {
      const { header } = entry;
      const name = header.name;
      if (header.type === 'directory' || isIgnored(name)) {
        entry.resume();
        continue;
      }
      if (header.type === 'symlink' || header.type === 'link') throw invalidInput(`Archive entry '${name}' is a link; links are not accepted`);
      if (header.type !== 'file' && header.type !== 'contiguous-file') throw invalidInput(`Archive entry '${name}' is not a regular file`);
      const info = { path: entryPath(name), size: header.size ?? 0 };
      budget.entry(info.path, info.size);
      out.push(info);
      if (onEntry) await onEntry(info, entry as unknown as Readable);
      else entry.resume();
    }
  } catch (e) {
    source.destroy();
    if (e instanceof AppError) throw e;
    throw invalidInput(`Broken ${gzipped ? 'tar.gz' : 'tar'} archive: ${(e as Error).message}`);
  }
  return out;
}
