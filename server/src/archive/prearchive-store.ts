import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { PrearchiveAddress } from '../domain/prearchive.js';
import type { ReceivedFile } from '../domain/session-building.js';
import { resolveInside } from './layout.js';
import { writeMeasured } from './measured-write.js';
import { removeStaleEntries } from './stale-entries.js';

/** A file written into the prearchive's incoming area, with what was learnt while writing it. */
export interface IncomingFile {
  readonly path: string;
  readonly size: number;
  readonly md5: string;
  /** The file's first bytes, when asked for. */
  readonly head?: Buffer;
}

const INCOMING = '.incoming';
const MANIFEST = '.files.jsonl';

/**
 * The prearchive on disk: `{project}/{timestamp}/{session}/SCANS/{scan}/DICOM/{file}` with a manifest
 * beside each session folder (`{session}.files.jsonl`, one line per stored instance, so building a
 * session needs no second pass over the headers). Uploads are written to `.incoming/` on the same
 * filesystem first and renamed into place, so a session folder never holds a half-written file.
 */
export class PrearchiveStore {
  readonly incomingRoot: string;

  constructor(readonly root: string) {
    this.incomingRoot = path.join(root, INCOMING);
  }

  async init(): Promise<void> {
    await fsp.mkdir(this.incomingRoot, { recursive: true });
  }

  sessionRelative(a: PrearchiveAddress): string {
    return `${a.projectKey}/${a.timestamp}/${a.folder}`;
  }

  sessionDir(a: PrearchiveAddress): string {
    return resolveInside(this.root, this.sessionRelative(a));
  }

  filePath(a: PrearchiveAddress, scan: string, name: string): string {
    return resolveInside(this.root, `${this.sessionRelative(a)}/SCANS/${scan}/DICOM/${name}`);
  }

  private manifestPath(a: PrearchiveAddress): string {
    return resolveInside(this.root, `${a.projectKey}/${a.timestamp}/${a.folder}${MANIFEST}`);
  }

  /** A fresh path in the incoming area (for receivers that write files themselves). */
  incomingPath(): string {
    return path.join(this.incomingRoot, `${Date.now()}-${crypto.randomUUID()}`);
  }

  /** Streams `source` into the incoming area, measuring and hashing it. */
  async receive(source: Readable | AsyncIterable<Buffer>, maxBytes = Number.MAX_SAFE_INTEGER, keepHead = 0): Promise<IncomingFile> {
    const target = this.incomingPath();
    // Not flushed here: the archive flushes each file when it takes it over.
    const { size, md5, head } = await writeMeasured(source, target, { maxBytes, flush: false, disk: 'prearchive', keepHead });
    return { path: target, size, md5, head };
  }

  /** Size and MD5 of a file already on disk. */
  async measure(file: string): Promise<IncomingFile> {
    const hash = crypto.createHash('md5');
    let size = 0;
    for await (const chunk of fs.createReadStream(file, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) {
      size += chunk.length;
      hash.update(chunk);
    }
    return { path: file, size, md5: hash.digest('hex') };
  }

  /** Moves an incoming file into a session's scan folder (replacing a file of the same name: a resent instance). */
  async place(incoming: string, a: PrearchiveAddress, scan: string, name: string): Promise<void> {
    const target = this.filePath(a, scan, name);
    try {
      await fsp.rename(incoming, target);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      await fsp.mkdir(path.dirname(target), { recursive: true });
      await fsp.rename(incoming, target);
    }
  }

  async appendManifest(a: PrearchiveAddress, lines: readonly ReceivedFile[]): Promise<void> {
    if (lines.length === 0) return;
    const file = this.manifestPath(a);
    const text = lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
    try {
      await fsp.appendFile(file, text);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      await fsp.mkdir(path.dirname(file), { recursive: true });
      await fsp.appendFile(file, text);
    }
  }

  /** The manifest's entries, the last one per file winning (a resent instance). */
  async readManifest(a: PrearchiveAddress): Promise<ReceivedFile[]> {
    let text: string;
    try {
      text = await fsp.readFile(this.manifestPath(a), 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    const byFile = new Map<string, ReceivedFile>();
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        const entry = JSON.parse(line) as ReceivedFile;
        byFile.set(`${entry.scan}/${entry.name}`, entry);
      } catch {
        // A line cut short by a crash: its file is found again when the session is rebuilt from disk.
      }
    }
    return [...byFile.values()];
  }

  async writeManifest(a: PrearchiveAddress, lines: readonly ReceivedFile[]): Promise<void> {
    const file = this.manifestPath(a);
    const temp = `${file}.${crypto.randomUUID()}.tmp`;
    await fsp.mkdir(path.dirname(file), { recursive: true });
    await fsp.writeFile(temp, lines.map((l) => JSON.stringify(l) + '\n').join(''));
    await fsp.rename(temp, file);
  }

  /** Every file under a session's SCANS folder, as `{scan, name, path}`. */
  async listFiles(a: PrearchiveAddress): Promise<{ scan: string; name: string; path: string }[]> {
    const scansDir = path.join(this.sessionDir(a), 'SCANS');
    const out: { scan: string; name: string; path: string }[] = [];
    let scans: string[];
    try {
      scans = await fsp.readdir(scansDir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    for (const scan of scans) {
      const dir = path.join(scansDir, scan, 'DICOM');
      let names: string[] = [];
      try {
        names = await fsp.readdir(dir);
      } catch {
        continue;
      }
      for (const name of names) out.push({ scan, name, path: path.join(dir, name) });
    }
    return out;
  }

  /** Renames a whole session (folder and manifest) to another address. */
  async move(from: PrearchiveAddress, to: PrearchiveAddress): Promise<void> {
    const target = this.sessionDir(to);
    await fsp.mkdir(path.dirname(target), { recursive: true });
    try {
      await fsp.rename(this.sessionDir(from), target);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    try {
      await fsp.rename(this.manifestPath(from), this.manifestPath(to));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    await this.removeEmptyParents(from);
  }

  async remove(a: PrearchiveAddress): Promise<void> {
    await fsp.rm(this.sessionDir(a), { recursive: true, force: true });
    await fsp.rm(this.manifestPath(a), { force: true });
    await this.removeEmptyParents(a);
  }

  async discard(file: string): Promise<void> {
    await fsp.rm(file, { force: true });
  }

  /** Incoming files left by a crash, older than `olderThanMs`. */
  cleanIncoming(olderThanMs: number): Promise<number> {
    return removeStaleEntries(this.incomingRoot, olderThanMs);
  }

  private async removeEmptyParents(a: PrearchiveAddress): Promise<void> {
    for (const rel of [`${a.projectKey}/${a.timestamp}`, a.projectKey]) {
      await fsp.rmdir(resolveInside(this.root, rel)).catch(() => undefined);
    }
  }
}
