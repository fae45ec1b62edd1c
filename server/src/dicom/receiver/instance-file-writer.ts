import crypto from 'node:crypto';
import { writeFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import { Writable } from 'node:stream';

/** Instances up to this size are gathered in memory and written with one call; bigger ones spill to disk as they arrive. */
export const MEMORY_LIMIT_BYTES = 8 * 1024 * 1024;

/**
 * Receives the dataset bytes of one C-STORE (the P-DATA fragments, in order) and writes them behind a Part 10
 * header to `file`. It never fails the stream: the network layer cannot handle a failing sink, so a disk error
 * is kept and reported by `finished()`, and the rest of the fragments are dropped.
 */
export class InstanceFileWriter extends Writable {
  private chunks: Buffer[];
  private buffered = 0;
  private handle: fs.FileHandle | undefined;
  private error: unknown;
  private readonly settled: Promise<void>;
  private settle!: () => void;
  private readonly hash = crypto.createHash('md5');
  private total = 0;
  /** The first bytes of the file (meta header and the dataset's start), kept so the header can be read without reading the file again. */
  private start: Buffer | undefined;
  /** Size and MD5 of everything written, known once `finished()` resolves. */
  size = 0;
  md5 = '';

  constructor(readonly file: string, header: Buffer) {
    super({ highWaterMark: 1024 * 1024 });
    this.chunks = [header];
    this.buffered = header.length;
    this.hash.update(header);
    this.total = header.length;
    this.settled = new Promise((resolve) => (this.settle = resolve));
    // A write after the end (a peer that breaks the protocol) must not crash the process.
    this.on('error', (error) => this.fail(error));
  }

  /** Resolves once the file is complete and closed; rejects with the disk error if writing failed. */
  async finished(): Promise<void> {
    await this.settled;
    if (this.error) throw this.error;
  }

  /** Stops and removes the file (the transfer was cut off). */
  async discard(): Promise<void> {
    if (!this.writableFinished && !this.destroyed) this.destroy();
    await this.closeHandle();
    await fs.rm(this.file, { force: true });
  }

  /** The whole file's bytes, when it was small enough to be gathered in memory (undefined otherwise). */
  head(): Buffer | undefined {
    return this.start;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.error) return callback();
    this.hash.update(chunk);
    this.total += chunk.length;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    if (this.buffered < MEMORY_LIMIT_BYTES) return callback();
    this.flush().then(() => callback(), (error: unknown) => {
      this.fail(error);
      callback();
    });
  }

  override _final(callback: (error?: Error | null) => void): void {
    (async () => {
      if (this.error) return;
      if (!this.handle) {
        // The common case: the whole instance in one write.
        const bytes = Buffer.concat(this.chunks, this.buffered);
        this.chunks = [];
        writeFileSync(this.file, bytes);
        this.start = bytes;
      } else {
        await this.flush();
        await this.closeHandle();
      }
    })().then(() => {
      this.size = this.total;
      this.md5 = this.hash.digest('hex');
      this.settle();
      callback();
    }, (error: unknown) => {
      this.fail(error);
      callback();
    });
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (!this.writableFinished) this.error ??= error ?? new Error('the transfer was cut off');
    this.settle();
    callback(error);
  }

  private async flush(): Promise<void> {
    this.handle ??= await fs.open(this.file, 'w');
    const bytes = Buffer.concat(this.chunks, this.buffered);
    this.chunks = [];
    this.buffered = 0;
    await this.handle.writeFile(bytes);
  }

  private async closeHandle(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close().catch(() => undefined);
  }

  private fail(error: unknown): void {
    this.error ??= error;
    this.chunks = [];
    this.settle();
  }
}
