import { PassThrough, Transform, type Readable, type TransformCallback } from 'node:stream';
import zlib from 'node:zlib';
import tarStream from 'tar-stream';
import ZipStream from 'zip-stream';
import { AppError } from '../domain/errors.js';
import { zipLength } from './zip-length.js';

export type ArchiveFormat = 'zip' | 'tar' | 'tar.gz';

/** One file to put into a zip or tar: its name there, its size, and how to read it when its turn comes. */
export interface ArchiveMember {
  readonly name: string;
  readonly size: number;
  readonly mtime: Date;
  /** Opens the content; called once, just before the member is written, so only one file is open at a time. */
  open(): Readable;
  /** How to name the file in an error ("1.dcm in resource DICOM of scan 1 of session MR1"). */
  readonly describe: string;
}

export interface ArchiveStream {
  readonly stream: Readable;
  /** Exact byte length when it is known before writing (zip), for Content-Length. */
  readonly length?: number;
}

/**
 * Streams members into a zip (stored, not compressed: images do not shrink and storing is what makes the
 * length computable), a tar, or a gzipped tar. Files are read one after the other with back-pressure, so
 * memory stays flat whatever the archive size. A member that cannot be read, or whose size differs from
 * what was announced, destroys the stream with an error naming the file: the archive is then visibly
 * incomplete (no central directory, fewer bytes than Content-Length), never silently short.
 */
export function createArchiveStream(format: ArchiveFormat, members: readonly ArchiveMember[]): ArchiveStream {
  const out = new PassThrough({ highWaterMark: 1 << 20 });
  let current: Readable | undefined;
  out.on('close', () => current?.destroy());
  const fail = (e: unknown) => out.destroy(e instanceof AppError ? e : new AppError('internal', `Writing the ${format} failed: ${(e as Error).message}`));
  const open = (m: ArchiveMember): Readable => {
    const source = m.open();
    current = source;
    const checked = new ExactSize(m);
    source.on('error', (e) => checked.destroy(readFailure(m, e)));
    return source.pipe(checked);
  };
  if (format === 'zip') {
    const zip = new ZipStream({ store: true });
    zip.on('error', fail);
    zip.pipe(out);
    void (async () => {
      for (const m of members) {
        if (out.destroyed) return;
        const source = open(m);
        await new Promise<void>((resolve, reject) => {
          zip.entry(source, { name: m.name, date: m.mtime, mode: 0o644, store: true }, (e) => (e ? reject(e) : resolve()));
        });
      }
      zip.finalize();
    })().catch(fail);
    return { stream: out, length: zipLength(members) };
  }
  const pack = tarStream.pack();
  pack.on('error', fail);
  if (format === 'tar.gz') {
    // Fastest gzip level: a few per cent larger than the default, several times the throughput.
    const gzip = zlib.createGzip({ level: zlib.constants.Z_BEST_SPEED });
    gzip.on('error', fail);
    pack.pipe(gzip).pipe(out);
  } else {
    pack.pipe(out);
  }
  void (async () => {
    for (const m of members) {
      if (out.destroyed) return;
      const source = open(m);
      await new Promise<void>((resolve, reject) => {
        const entry = pack.entry({ name: m.name, size: m.size, mtime: m.mtime, mode: 0o644, type: 'file' }, (e) => (e ? reject(e) : resolve()));
        entry.on('error', reject);
        source.once('error', reject);
        source.pipe(entry);
      });
    }
    pack.finalize();
  })().catch(fail);
  return { stream: out };
}

/** Passes a member's bytes through, failing when there are more or fewer than announced. */
class ExactSize extends Transform {
  private seen = 0;

  constructor(private readonly member: ArchiveMember) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.member.size) return callback(this.mismatch());
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    callback(this.seen === this.member.size ? null : this.mismatch());
  }

  private mismatch(): AppError {
    return new AppError('internal', `The archive copy of ${this.member.describe} does not have the ${this.member.size} bytes recorded for it`);
  }
}

/** Turns a read failure into an error naming the file (ENOENT: the file is missing from the archive disk). */
function readFailure(member: { describe: string }, e: unknown): AppError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new AppError('internal', `${member.describe} is missing from the archive disk`);
  return new AppError('internal', `${member.describe} could not be read from the archive disk (${code ?? (e as Error).message})`);
}
