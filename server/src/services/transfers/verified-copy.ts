import type { FileStore, LinkOrCopy } from '../../archive/file-store.js';
import { isAppError } from '../../domain/errors.js';
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
  /** missing: no file; size/md5: other content than the catalog says; not-same-file: a link that is not the source's file. */
  readonly kind: 'missing' | 'size' | 'md5' | 'not-same-file';
  /** Archive-relative path of the copy that failed. */
  readonly path: string;
  readonly expected: string;
  readonly found: string;
}

export interface CopyOptions {
  /** Use hard links where the filesystem allows them. */
  readonly links: boolean;
  /** Also read hard-linked files back and check their MD5 (byte copies are always checked). */
  readonly verifyContent?: boolean;
  readonly signal?: AbortSignal;
  readonly throttle?: Throttle;
  /** Called after each file is in place, and after it is verified, with its size (progress). */
  readonly onCopied?: (bytes: number) => void;
  readonly onVerified?: (bytes: number) => void;
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

/** Files in flight at once: enough to keep every copy thread (archive/copy-workers.ts) busy. */
const PARALLEL_FILES = 8;

/**
 * Gives every file its new name and verifies it against the source's catalog. A byte copy is
 * hashed as it is written and must match the catalog's size and MD5; a hard link must be the very
 * file of the source (same device and inode, so the same bytes) with the catalog's size, and with
 * `verifyContent` is also read back and hashed. Returns what was done and every mismatch.
 */
export async function copyAndVerify(store: FileStore, files: readonly FileToCopy[], options: CopyOptions): Promise<{ links: number; copies: number; problems: VerifyProblem[] }> {
  const result = { links: 0, copies: 0, problems: [] as VerifyProblem[] };
  const onCopied = async (n: number) => {
    await options.throttle?.take(n, options.signal);
    checkStop(options.signal);
  };
  await forEachLimited(files, PARALLEL_FILES, async (f) => {
    checkStop(options.signal);
    let placed: LinkOrCopy;
    try {
      placed = await store.linkOrCopy(f.from, f.to, { links: options.links, onCopied });
    } catch (e) {
      if (!isAppError(e) || e.code !== 'not_found') throw e;
      result.problems.push({ kind: 'missing', path: f.from, expected: `${f.size} bytes`, found: 'the source file is missing from the disk' });
      return;
    }
    options.onCopied?.(f.size);
    const problem = placed.method === 'copy'
      ? (result.copies++, contentProblem(f, placed))
      : (result.links++, options.verifyContent ? contentProblem(f, await hashArchiveFile(store, f.to, options)) : await identityProblem(store, f));
    if (problem) result.problems.push(problem);
    options.onVerified?.(f.size);
  });
  return result;
}

function contentProblem(f: FileToCopy, found: { size: number; md5: string } | undefined): VerifyProblem | undefined {
  if (!found) return { kind: 'missing', path: f.to, expected: `${f.size} bytes`, found: 'no file' };
  if (found.size !== f.size) return { kind: 'size', path: f.to, expected: String(f.size), found: String(found.size) };
  if (found.md5 !== f.md5) return { kind: 'md5', path: f.to, expected: f.md5, found: found.md5 };
  return undefined;
}

async function identityProblem(store: FileStore, f: FileToCopy): Promise<VerifyProblem | undefined> {
  const [source, copy] = await Promise.all([store.identity(f.from), store.identity(f.to)]);
  if (!copy || !source) return { kind: 'missing', path: f.to, expected: `${f.size} bytes`, found: 'no file' };
  if (copy.dev !== source.dev || copy.ino !== source.ino) return { kind: 'not-same-file', path: f.to, expected: `inode ${source.ino}`, found: `inode ${copy.ino}` };
  if (copy.size !== f.size) return { kind: 'size', path: f.to, expected: String(f.size), found: String(copy.size) };
  return undefined;
}

/** "N file(s) do not match <catalog> (for example <path>: <kind>, expected …, found …)", for a refusal or a failed step. */
export function describeMismatches(problems: readonly VerifyProblem[], catalog: string): string {
  const p = problems[0]!;
  return `${problems.length} file(s) do not match ${catalog} (for example ${p.path}: ${p.kind}, expected ${p.expected}, found ${p.found})`;
}

/** Size and MD5 of an archive file as it is on disk; undefined when it is missing. */
export async function hashArchiveFile(store: FileStore, relative: string, options: Pick<CopyOptions, 'signal' | 'throttle'> = {}): Promise<{ size: number; md5: string } | undefined> {
  checkStop(options.signal);
  const found = await store.hash(relative);
  if (found && options.throttle) await options.throttle.take(found.size, options.signal);
  checkStop(options.signal);
  return found;
}

/** Removes files or directories made by a failed attempt; never throws (the failure being reported matters more). */
export async function removeQuietly(store: FileStore, paths: { dirs?: readonly string[]; files?: readonly string[] }): Promise<void> {
  for (const file of paths.files ?? []) await store.remove(file).catch(() => undefined);
  for (const dir of paths.dirs ?? []) await store.removeDir(dir).catch(() => undefined);
}
