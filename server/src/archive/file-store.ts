import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { AppError } from '../domain/errors.js';
import { CopyWorkers } from './copy-workers.js';
import { writeMeasured } from './measured-write.js';
import { removeStaleEntries } from './stale-entries.js';
import { resolveInside, STAGING_DIR } from './layout.js';

/** A file fully written and synced in the staging area, not yet visible in the archive. */
export interface StagedFile {
  readonly stagingPath: string;
  readonly size: number;
  readonly md5: string;
}

/** Undo/finish handle for a file placed into the archive: keep it until the rows are committed. */
export interface Placement {
  /** Puts back whatever was there before (or removes the new file). */
  undo(): Promise<void>;
  /** Drops the replaced file, if any, once the rows are committed. */
  finish(): Promise<void>;
}

export interface StoredFileInfo {
  readonly size: number;
  readonly mtimeMs: number;
}

/**
 * The only code that touches archive files. Writes follow one order: stream into the staging area
 * (MD5 and size computed on the way, fsync), rename into place, then the caller commits rows; on
 * failure the caller undoes the placement. A crash can leave an orphan staged file, never a row
 * without its file.
 */
export class FileStore {
  readonly root: string;
  private readonly stagingRoot: string;
  private readonly workers = new CopyWorkers();

  constructor(root: string) {
    this.root = path.resolve(root);
    this.stagingRoot = path.join(this.root, STAGING_DIR);
  }

  async init(): Promise<void> {
    await fsp.mkdir(this.stagingRoot, { recursive: true });
  }

  /** Absolute path of an archive-relative path, refusing escapes. */
  absolute(relative: string): string {
    return resolveInside(this.root, relative);
  }

  /** Streams `source` into the staging area. Fails with payload_too_large past `maxBytes`. */
  async stage(source: Readable | AsyncIterable<Buffer>, maxBytes = Number.MAX_SAFE_INTEGER): Promise<StagedFile> {
    const stagingPath = path.join(this.stagingRoot, `${Date.now()}-${crypto.randomUUID()}`);
    const { size, md5 } = await writeMeasured(source, stagingPath, { maxBytes, flush: true, disk: 'archive' });
    return { stagingPath, size, md5 };
  }

  async discard(staged: StagedFile): Promise<void> {
    await fsp.rm(staged.stagingPath, { force: true });
  }

  /**
   * Moves a staged file to `relative`. With `replace`, an existing file is swapped atomically (the
   * path never disappears) and a hard link to the old content is kept until `finish()` so `undo()`
   * can restore it; without `replace`, an existing file is a conflict.
   */
  async place(staged: StagedFile, relative: string, options: { replace: boolean }): Promise<Placement> {
    const target = this.absolute(relative);
    await fsp.mkdir(path.dirname(target), { recursive: true });
    let previous: string | null = null;
    if (await exists(target)) {
      if (!options.replace) throw new AppError('conflict', `File already exists: ${relative}`);
      previous = path.join(this.stagingRoot, `${Date.now()}-${crypto.randomUUID()}.previous`);
      await fsp.link(target, previous);
    }
    await fsp.rename(staged.stagingPath, target);
    await syncDir(path.dirname(target));
    return {
      undo: async () => {
        if (previous) await fsp.rename(previous, target);
        else await fsp.rm(target, { force: true });
      },
      finish: async () => {
        if (previous) await fsp.rm(previous, { force: true });
      },
    };
  }

  /** Writes a small derived file (a catalog) atomically: temp file, fsync, rename. */
  async writeAtomic(relative: string, content: string): Promise<void> {
    const target = this.absolute(relative);
    await fsp.mkdir(path.dirname(target), { recursive: true });
    const temp = path.join(this.stagingRoot, `${Date.now()}-${crypto.randomUUID()}.tmp`);
    await fsp.writeFile(temp, content, { flush: true });
    await fsp.rename(temp, target);
  }

  async stat(relative: string): Promise<StoredFileInfo | undefined> {
    try {
      const s = await fsp.stat(this.absolute(relative));
      return s.isFile() ? { size: s.size, mtimeMs: s.mtimeMs } : undefined;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  /**
   * Opens a file for reading, optionally a byte range (inclusive end, as in HTTP). Bulk readers (zip
   * downloads) pass a larger `highWaterMark`: 1 MiB reads halve the CPU per byte of 64 KiB ones.
   */
  openRead(relative: string, range?: { start: number; end: number }, options: { highWaterMark?: number } = {}): fs.ReadStream {
    return fs.createReadStream(this.absolute(relative), { ...(range && { start: range.start, end: range.end }), ...options });
  }

  /**
   * Gives the file at `fromRelative` a second name at `toRelative`: a hard link when `links` is true
   * and the filesystem allows it (archive files are never changed in place, only replaced by rename,
   * so sharing an inode between two projects is safe), else a byte copy made in one pass on a worker
   * thread that also hashes what it writes, synced to disk and renamed into place. An existing target
   * is a conflict unless `replace`. `onCopied` runs after a byte copy (rate limits, cancellation).
   */
  async linkOrCopy(fromRelative: string, toRelative: string, options: { links: boolean; replace?: boolean; onCopied?: (bytes: number) => Promise<void> }): Promise<LinkOrCopy> {
    return this.placeFrom(this.absolute(fromRelative), `File missing from the archive disk: ${fromRelative}`, toRelative, options);
  }

  /**
   * Takes a file from outside the archive (the prearchive, on the same disk) into it, as linkOrCopy
   * does; a link shares the bytes as they were written, so check them with hash(..., { sync: true }).
   */
  async adopt(fromAbsolute: string, toRelative: string, options: { links: boolean }): Promise<LinkOrCopy> {
    return this.placeFrom(fromAbsolute, `File missing: ${fromAbsolute}`, toRelative, options);
  }

  private async placeFrom(from: string, missing: string, toRelative: string, options: { links: boolean; replace?: boolean; onCopied?: (bytes: number) => Promise<void> }): Promise<LinkOrCopy> {
    const to = this.absolute(toRelative);
    await fsp.mkdir(path.dirname(to), { recursive: true });
    const temp = path.join(this.stagingRoot, `${Date.now()}-${crypto.randomUUID()}.copy`);
    try {
      if (options.links) {
        try {
          if (options.replace) {
            await fsp.link(from, temp);
            await fsp.rename(temp, to);
          } else {
            await fsp.link(from, to);
          }
          return { method: 'link' };
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          if (code === 'EEXIST') throw new AppError('conflict', `File already exists: ${toRelative}`);
          if (!LINK_UNSUPPORTED.has(code ?? '')) throw e;
        }
      }
      const copied = await this.workers.copy(from, temp);
      await options.onCopied?.(copied.size);
      await this.moveInto(temp, to, toRelative, options.replace ?? false);
      return { method: 'copy', ...copied };
    } catch (e) {
      await fsp.rm(temp, { force: true });
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new AppError('not_found', missing);
      if (code === 'ENOSPC') throw new AppError('storage_full', 'The archive disk is full');
      throw e;
    }
  }

  /**
   * Size and MD5 of an archive file as it is on disk (read on a worker thread); undefined when missing.
   * `sync` also flushes the file to disk (for bytes that were written without it).
   */
  async hash(relative: string, options: { sync?: boolean } = {}): Promise<{ size: number; md5: string } | undefined> {
    try {
      return await this.workers.hash(this.absolute(relative), options.sync ?? false);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  /** Stops the worker threads (when the app closes). */
  async close(): Promise<void> {
    await this.workers.close();
  }

  /** Device and inode of a file: two names with the same identity are the same bytes. */
  async identity(relative: string): Promise<{ dev: number; ino: number; size: number } | undefined> {
    try {
      const s = await fsp.stat(this.absolute(relative));
      return s.isFile() ? { dev: s.dev, ino: s.ino, size: s.size } : undefined;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  /** Renames a staged file to its place; without `replace` an existing target is a conflict (link() refuses to overwrite). */
  private async moveInto(temp: string, target: string, relative: string, replace: boolean): Promise<void> {
    if (replace) {
      await fsp.rename(temp, target);
      return;
    }
    try {
      await fsp.link(temp, target);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new AppError('conflict', `File already exists: ${relative}`);
      throw e;
    } finally {
      await fsp.rm(temp, { force: true });
    }
  }

  /** Flushes a directory's entries to disk (after placing files in it with linkOrCopy). */
  async syncDir(relative: string): Promise<void> {
    await syncDir(this.absolute(relative));
  }

  /** Whether files in the archive can be hard-linked (tried once with a scratch file in the staging area). */
  async supportsHardLinks(): Promise<boolean> {
    const probe = path.join(this.stagingRoot, `${Date.now()}-${crypto.randomUUID()}.probe`);
    try {
      await fsp.writeFile(probe, '');
      await fsp.link(probe, `${probe}.link`);
      return true;
    } catch {
      return false;
    } finally {
      await fsp.rm(probe, { force: true });
      await fsp.rm(`${probe}.link`, { force: true });
    }
  }

  /** Bytes free for new files on the archive's filesystem. */
  async freeBytes(): Promise<number> {
    const s = await fsp.statfs(this.root);
    return s.bavail * s.bsize;
  }

  /** Removes a directory tree (a deleted resource, session or project). */
  async removeDir(relative: string): Promise<void> {
    const target = this.absolute(relative);
    if (target === this.root) throw new Error('refusing to remove the archive root');
    await fsp.rm(target, { recursive: true, force: true });
    await this.pruneEmptyParents(path.dirname(target));
  }

  async remove(relative: string): Promise<void> {
    await fsp.rm(this.absolute(relative), { force: true });
  }

  /** True when the directory exists and holds anything. */
  async isNonEmptyDir(relative: string): Promise<boolean> {
    try {
      return (await fsp.readdir(this.absolute(relative))).length > 0;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return false;
      throw e;
    }
  }

  /** Removes empty directories upwards after deletes, stopping at the archive root. */
  private async pruneEmptyParents(dir: string): Promise<void> {
    let current = dir;
    while (current.startsWith(this.root + path.sep) && current !== this.stagingRoot) {
      try {
        await fsp.rmdir(current);
      } catch {
        return;
      }
      current = path.dirname(current);
    }
  }

  /** Removes leftovers of interrupted writes older than `olderThanMs`. */
  cleanStaging(olderThanMs: number): Promise<number> {
    return removeStaleEntries(this.stagingRoot, olderThanMs);
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await fsp.access(p);
    return true;
  } catch {
    return false;
  }
}

async function syncDir(dir: string): Promise<void> {
  const handle = await fsp.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Link errors after which a byte copy still works (links unsupported, too many links, other device). */
const LINK_UNSUPPORTED = new Set(['EXDEV', 'EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EMLINK', 'ENOSYS']);

/** How a file got its second name; a copy reports the size and MD5 of the bytes it wrote. */
export type LinkOrCopy = { readonly method: 'link' } | { readonly method: 'copy'; readonly size: number; readonly md5: string };
