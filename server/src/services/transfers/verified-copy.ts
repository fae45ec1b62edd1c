import crypto from 'node:crypto';
import type { FileStore } from '../../archive/file-store.js';
import type { StopReason } from '../../jobs/job-types.js';
import { forEachLimited, type Throttle } from './throttle.js';

/** One archive file to give a second name (archive-relative paths) and what its content must be. */
export interface FileToCopy {
  readonly from: string;
  readonly to: string;
  readonly size: number;
  readonly md5: string;
}

export interface VerifyProblem {
  readonly kind: 'missing' | 'size' | 'md5';
  /** Archive-relative path of the copy that failed. */
  readonly path: string;
  readonly expected: string;
  readonly found: string;
}

export interface CopyOptions {
  /** Use hard links where the filesystem allows them. */
  readonly links: boolean;
  /** Replace an existing target (an orphan left by an interrupted attempt). */
  readonly replace?: boolean;
  readonly signal?: AbortSignal;
  readonly throttle?: Throttle;
  /** Called after each file with its size (progress reporting). */
  readonly onFile?: (bytes: number) => void;
}

/** Thrown when the work was asked to stop (cancel, shutdown) between files. */
export class StopRequested extends Error {
  constructor(readonly reason: StopReason) {
    super(`stopped: ${reason}`);
  }
}

export function checkStop(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new StopRequested(signal.reason as StopReason);
}

/** Several files at once keep the disk busy while one is being hashed. */
const PARALLEL_FILES = 4;

/** Links or copies every file into place; returns how many were hard links and how many byte copies. */
export async function placeCopies(store: FileStore, files: readonly FileToCopy[], options: CopyOptions): Promise<{ links: number; copies: number }> {
  const counts = { links: 0, copies: 0 };
  await forEachLimited(files, PARALLEL_FILES, async (f) => {
    checkStop(options.signal);
    const method = await store.linkOrCopy(f.from, f.to, { links: options.links, replace: options.replace });
    if (method === 'link') counts.links++;
    else {
      counts.copies++;
      await options.throttle?.take(f.size, options.signal);
    }
    options.onFile?.(f.size);
  });
  return counts;
}

/**
 * Reads every copy back from the disk and compares its size and MD5 with what the source's catalog
 * says; returns what does not match (empty when all is well).
 */
export async function verifyCopies(store: FileStore, files: readonly FileToCopy[], options: Pick<CopyOptions, 'signal' | 'throttle' | 'onFile'> = {}): Promise<VerifyProblem[]> {
  const problems: VerifyProblem[] = [];
  await forEachLimited(files, PARALLEL_FILES, async (f) => {
    checkStop(options.signal);
    const found = await hashArchiveFile(store, f.to, options);
    if (!found) problems.push({ kind: 'missing', path: f.to, expected: `${f.size} bytes`, found: 'no file' });
    else if (found.size !== f.size) problems.push({ kind: 'size', path: f.to, expected: String(f.size), found: String(found.size) });
    else if (found.md5 !== f.md5) problems.push({ kind: 'md5', path: f.to, expected: f.md5, found: found.md5 });
    options.onFile?.(f.size);
  });
  return problems;
}

/** Size and MD5 of an archive file as it is on disk; undefined when it is missing. */
export async function hashArchiveFile(store: FileStore, relative: string, options: Pick<CopyOptions, 'signal' | 'throttle'> = {}): Promise<{ size: number; md5: string } | undefined> {
  if (!(await store.stat(relative))) return undefined;
  const hash = crypto.createHash('md5');
  let size = 0;
  for await (const chunk of store.openRead(relative)) {
    const buf = chunk as Buffer;
    hash.update(buf);
    size += buf.length;
    if (options.throttle) await options.throttle.take(buf.length, options.signal);
    checkStop(options.signal);
  }
  return { size, md5: hash.digest('hex') };
}

/** Removes files or directories made by a failed attempt; never throws (the failure being reported matters more). */
export async function removeQuietly(store: FileStore, paths: { dirs?: readonly string[]; files?: readonly string[] }): Promise<void> {
  for (const file of paths.files ?? []) await store.remove(file).catch(() => undefined);
  for (const dir of paths.dirs ?? []) await store.removeDir(dir).catch(() => undefined);
}
