import type { Kysely } from 'kysely';
import type { PrearchiveStore } from '../../archive/prearchive-store.js';
import type { DB } from '../../db/database.js';
import { INTERRUPTIBLE, prearchiveTimestamp, type ArchiveDecision, type PrearchiveSession } from '../../domain/prearchive.js';
import { scanFolderFor, type ReceivedFile } from '../../domain/session-building.js';
import { findOpenPrearchiveSession, folderTaken, insertPrearchiveSession, touchReceiving } from '../../repositories/prearchive.repository.js';
import { KeyedMutex } from '../keyed-mutex.js';

/** What a new prearchive session records about where its data came from. */
export interface Origin {
  readonly subject: string;
  readonly autoArchive: ArchiveDecision | null;
  readonly source: string;
  readonly preventAnon: boolean;
  readonly preventAutoCommit: boolean;
  readonly createdBy: string;
}

interface Open {
  readonly session: PrearchiveSession;
  /** Scan folder → series UID, so each series keeps one folder and two series never share one. */
  readonly folders: Map<string, string>;
  /** When an instance last arrived, and when that was last written to the database. */
  lastArrival: number;
  lastTouch: number;
  /** Manifest lines not written yet (written in batches; a crash before that is repaired by a rebuild, which reads the files). */
  pending: ReceivedFile[];
  flushTimer: NodeJS.Timeout | undefined;
  /** Fires when the session has been quiet long enough to build. */
  quietTimer: NodeJS.Timeout | undefined;
}

/** How often a busy session's "last received" time is written (building waits for quiet, so a second is plenty). */
const TOUCH_EVERY_MS = 1000;
/** Manifest lines are written at most this long after their instance arrived, or once this many have gathered. */
const MANIFEST_DELAY_MS = 200;
const MANIFEST_BATCH = 256;

/**
 * The prearchive sessions currently taking files. Instances of one (project, StudyInstanceUID, label)
 * gather in one session (XNAT's grouping): an open session is reused, a READY/CONFLICT/ERROR one goes
 * back to RECEIVING, anything busier gets a new folder. Kept in memory between instances so a
 * C-STORE stream costs no database write per instance; building or archiving a session `close()`s
 * it first, under the same per-session lock, so no instance slips in unrecorded.
 */
export class ReceivingSessions {
  private readonly open = new Map<string, Open>();
  private readonly locks = new KeyedMutex();
  /** Sessions an upload in progress is filling and will build itself (by id, with a count of holders). */
  private readonly held = new Map<number, number>();

  /** Told when a session has received nothing for the quiet period (the builder sweeps then rather than on its next round). */
  private quiet: { readonly ms: number; readonly onQuiet: () => void } | undefined;

  constructor(private readonly db: Kysely<DB>, private readonly store: PrearchiveStore) {}

  onQuiet(ms: number, onQuiet: () => void): void {
    this.quiet = { ms, onQuiet };
  }

  /** Runs `place` for one instance inside its session, creating or reopening the session as needed. */
  async add(projectKey: string, projectId: string | null, studyUid: string, label: string, origin: Origin, seriesUid: string, seriesNumber: string,
    place: (session: PrearchiveSession, scan: string) => Promise<ReceivedFile>): Promise<PrearchiveSession> {
    const key = keyOf(projectKey, studyUid, label);
    return this.locks.run(key, async () => {
      let entry = this.open.get(key);
      if (!entry) {
        const found = await findOpenPrearchiveSession(this.db, projectKey, studyUid, label, INTERRUPTIBLE);
        const session = found ?? (await this.create(projectKey, projectId, studyUid, label, origin));
        const folders = new Map<string, string>();
        if (found) for (const f of await this.store.readManifest(found)) folders.set(f.scan, f.seriesInstanceUid);
        entry = { session, folders, lastArrival: 0, lastTouch: 0, pending: [], flushTimer: undefined, quietTimer: undefined };
        this.open.set(key, entry);
      }
      const scan = scanFolderFor(seriesNumber, seriesUid, entry.folders);
      entry.folders.set(scan, seriesUid);
      const line = await place(entry.session, scan);
      entry.pending.push(line);
      if (entry.pending.length >= MANIFEST_BATCH) await this.flush(entry);
      else if (!entry.flushTimer) {
        const open = entry;
        open.flushTimer = setTimeout(() => void this.locks.run(key, () => this.flush(open)).catch(() => undefined), MANIFEST_DELAY_MS);
        open.flushTimer.unref();
      }
      const nowMs = Date.now();
      entry.lastArrival = nowMs;
      if (this.quiet) {
        if (entry.quietTimer) clearTimeout(entry.quietTimer);
        entry.quietTimer = setTimeout(this.quiet.onQuiet, this.quiet.ms + 20);
        entry.quietTimer.unref();
      }
      if (nowMs - entry.lastTouch >= TOUCH_EVERY_MS) {
        entry.lastTouch = nowMs;
        await touchReceiving(this.db, entry.session.id, new Date(nowMs).toISOString());
      }
      return entry.session;
    });
  }

  /**
   * Stops adding to a session and runs `work` (build, archive, move, delete) while no instance can
   * join it; instances arriving later reopen it from the database, or start a new one.
   */
  async closeWhile<T>(session: PrearchiveSession, work: () => Promise<T>): Promise<T> {
    const key = keyOf(session.projectKey, session.studyUid, session.label);
    return this.locks.run(key, async () => {
      const entry = this.open.get(key);
      if (entry && entry.session.id === session.id) {
        this.open.delete(key);
        if (entry.quietTimer) clearTimeout(entry.quietTimer);
        await this.flush(entry);
        // Record the last arrival before anyone reads the session's quiet time.
        if (entry.lastArrival > entry.lastTouch) await touchReceiving(this.db, session.id, new Date(entry.lastArrival).toISOString());
      }
      return work();
    });
  }

  hold(sessionId: number): void {
    this.held.set(sessionId, (this.held.get(sessionId) ?? 0) + 1);
  }

  release(sessionId: number): void {
    const n = (this.held.get(sessionId) ?? 0) - 1;
    if (n > 0) this.held.set(sessionId, n);
    else this.held.delete(sessionId);
  }

  private async flush(entry: Open): Promise<void> {
    if (entry.flushTimer) clearTimeout(entry.flushTimer);
    entry.flushTimer = undefined;
    if (entry.pending.length === 0) return;
    const lines = entry.pending;
    entry.pending = [];
    await this.store.appendManifest(entry.session, lines);
  }

  /** Writes every pending manifest line (before the server stops). */
  async flushAll(): Promise<void> {
    for (const [key, entry] of this.open) await this.locks.run(key, () => this.flush(entry));
  }

  /** Sessions touched in memory within `ms`, or held by an upload in progress (still busy even if the database says otherwise). */
  isBusy(session: PrearchiveSession, ms: number): boolean {
    if (this.held.has(session.id)) return true;
    const entry = this.open.get(keyOf(session.projectKey, session.studyUid, session.label));
    return entry !== undefined && entry.session.id === session.id && Date.now() - entry.lastArrival < ms;
  }

  private async create(projectKey: string, projectId: string | null, studyUid: string, label: string, origin: Origin): Promise<PrearchiveSession> {
    const timestamp = prearchiveTimestamp(new Date());
    let folder = label;
    for (let n = 1; await folderTaken(this.db, projectKey, timestamp, folder); n++) folder = `${label}_${n}`;
    return insertPrearchiveSession(this.db, {
      projectKey, projectId, timestamp, folder, subject: origin.subject, label, studyUid, autoArchive: origin.autoArchive,
      source: origin.source, preventAnon: origin.preventAnon, preventAutoCommit: origin.preventAutoCommit, createdBy: origin.createdBy,
    });
  }
}

const keyOf = (projectKey: string, studyUid: string, label: string) => `${projectKey}\u0000${studyUid}\u0000${label}`;
