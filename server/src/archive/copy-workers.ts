import os from 'node:os';
import { Worker } from 'node:worker_threads';

/**
 * A small pool of worker threads that copy and hash archive files, so MD5 work (the slow part of a
 * verified copy) runs on every core instead of the event loop. The worker is plain CommonJS kept
 * here as text, so it runs the same from TypeScript sources and from the built package.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const crypto = require('node:crypto');
const buffer = Buffer.allocUnsafe(1024 * 1024);
parentPort.on('message', (task) => {
  let input = -1, output = -1;
  try {
    const hash = crypto.createHash('md5');
    let size = 0;
    input = fs.openSync(task.from, 'r');
    if (task.to) output = fs.openSync(task.to, 'wx');
    for (;;) {
      const n = fs.readSync(input, buffer, 0, buffer.length, null);
      if (n === 0) break;
      hash.update(buffer.subarray(0, n));
      if (output >= 0) {
        let written = 0;
        while (written < n) written += fs.writeSync(output, buffer, written, n - written);
      }
      size += n;
    }
    if (output >= 0) fs.fdatasyncSync(output);
    if (task.sync) fs.fdatasyncSync(input);
    parentPort.postMessage({ id: task.id, size, md5: hash.digest('hex') });
  } catch (e) {
    parentPort.postMessage({ id: task.id, error: { code: e.code, message: e.message } });
  } finally {
    if (input >= 0) fs.closeSync(input);
    if (output >= 0) fs.closeSync(output);
  }
});
`;

interface Task {
  readonly id: number;
  readonly from: string;
  readonly to: string | null;
  /** Flush the file read to disk as well. */
  readonly sync: boolean;
  resolve(value: { size: number; md5: string }): void;
  reject(error: Error): void;
}

export class CopyWorkers {
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Task>();
  private readonly waiting: Task[] = [];
  private started = 0;
  private nextId = 1;

  /** Two threads per core (at most 8): one hashes while the other waits for the disk. */
  constructor(private readonly size = Math.max(2, Math.min(8, 2 * os.availableParallelism()))) {}

  /** Copies `from` to the new file `to` (absolute paths), synced to disk; resolves with the size and MD5 of what was written. */
  copy(from: string, to: string): Promise<{ size: number; md5: string }> {
    return this.run(from, to, false);
  }

  /** Size and MD5 of a file, read on a worker thread; `sync` flushes it to disk too. */
  hash(file: string, sync = false): Promise<{ size: number; md5: string }> {
    return this.run(file, null, sync);
  }

  async close(): Promise<void> {
    const workers = [...this.idle, ...this.busy.keys()];
    this.idle.length = 0;
    await Promise.all(workers.map((w) => w.terminate()));
  }

  private run(from: string, to: string | null, sync: boolean): Promise<{ size: number; md5: string }> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ id: this.nextId++, from, to, sync, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.waiting.length > 0) {
      const worker = this.idle.pop() ?? (this.started < this.size ? this.spawn() : undefined);
      if (!worker) return;
      const task = this.waiting.shift() as Task;
      this.busy.set(worker, task);
      worker.ref();
      worker.postMessage({ id: task.id, from: task.from, to: task.to, sync: task.sync });
    }
  }

  private spawn(): Worker {
    this.started++;
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    worker.on('message', (m: { id: number; size?: number; md5?: string; error?: { code?: string; message: string } }) => {
      const task = this.busy.get(worker);
      this.busy.delete(worker);
      worker.unref(); // an idle pool never keeps the process alive
      this.idle.push(worker);
      if (task) {
        if (m.error) task.reject(Object.assign(new Error(m.error.message), { code: m.error.code }));
        else task.resolve({ size: m.size as number, md5: m.md5 as string });
      }
      this.dispatch();
    });
    worker.on('error', (e) => {
      const task = this.busy.get(worker);
      this.busy.delete(worker);
      this.started--;
      task?.reject(e);
      this.dispatch();
    });
    return worker;
  }
}
