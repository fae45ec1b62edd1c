import type { Kysely } from 'kysely';
import type { PrearchiveStore } from '../../archive/prearchive-store.js';
import type { DB } from '../../db/database.js';
import { readDicomHeader } from '../../dicom/dicom-header.js';
import { conflict } from '../../domain/errors.js';
import { INTERRUPTIBLE, type PrearchiveSession, type PrearchiveStatus } from '../../domain/prearchive.js';
import { buildSession, receivedFile, type ReceivedFile } from '../../domain/session-building.js';
import { findExperimentInProject } from '../../repositories/experiment.repository.js';
import {
  claimPrearchiveSession, findPrearchiveSessionById, replacePrearchiveContents, updatePrearchiveSession,
} from '../../repositories/prearchive.repository.js';
import type { ReceivingSessions } from './receiving-sessions.js';

/**
 * Turns a prearchive session's received files into scans (XNAT's "build"): the manifest written while
 * receiving, checked against the folder on disk (files the manifest missed are read again, entries
 * whose file is gone are dropped), then the scan and file rows in one transaction and the status
 * READY, or CONFLICT when the project already has this label for another study.
 */
export class SessionBuilder {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly store: PrearchiveStore,
    private readonly receiving: ReceivingSessions,
  ) {}

  /** Builds a session; `fromDisk` ignores the manifest and reads every header again (rebuild). */
  async build(session: PrearchiveSession, options: { fromDisk?: boolean; from?: readonly PrearchiveStatus[] } = {}): Promise<PrearchiveSession> {
    return this.receiving.closeWhile(session, async () => {
      if (!(await claimPrearchiveSession(this.db, session.id, options.from ?? INTERRUPTIBLE, 'BUILDING'))) {
        const now = await findPrearchiveSessionById(this.db, session.id);
        throw conflict(now ? `Prearchive session ${session.folder} is ${now.status}; it cannot be built now` : `Prearchive session ${session.folder} no longer exists`);
      }
      try {
        const files = await this.inventory(session, options.fromDisk ?? false);
        const built = buildSession(files);
        const status = await this.statusAfterBuild(session, files.length);
        await this.db.transaction().execute(async (trx) => {
          await replacePrearchiveContents(trx, session.id, built.scans.map((s) => ({
            scanId: s.scanId, folder: s.scanId, seriesUid: s.seriesUid, xsiType: s.xsiType, fields: s.fields,
            fileCount: s.files.length, fileSize: s.files.reduce((n, f) => n + f.size, 0),
          })), built.scans.flatMap((s) => s.files.map((f) => ({ scanId: s.scanId, name: f.name, size: f.size, md5: f.md5, sopUid: f.sopInstanceUid }))));
          await updatePrearchiveSession(trx, session.id, {
            xsiType: built.xsiType, scanDate: built.scanDate, scanTime: built.scanTime, fields: built.fields, message: status.message,
          });
        });
        // Files that arrived during the build put the session back to RECEIVING; it is built again later.
        await claimPrearchiveSession(this.db, session.id, ['BUILDING'], status.status);
      } catch (e) {
        await updatePrearchiveSession(this.db, session.id, { status: 'ERROR', message: `Building failed: ${(e as Error).message}` }).catch(() => undefined);
        throw e;
      }
      return (await findPrearchiveSessionById(this.db, session.id)) as PrearchiveSession;
    });
  }

  private async inventory(session: PrearchiveSession, fromDisk: boolean): Promise<ReceivedFile[]> {
    const listed = fromDisk ? [] : await this.store.readManifest(session);
    const known = new Map(listed.map((f) => [`${f.scan}/${f.name}`, f]));
    const out: ReceivedFile[] = [];
    let changed = fromDisk;
    for (const file of await this.store.listFiles(session)) {
      const entry = known.get(`${file.scan}/${file.name}`);
      if (entry) {
        out.push(entry);
        continue;
      }
      const header = await readDicomHeader(file.path);
      if (!header) continue;
      const measured = await this.store.measure(file.path);
      out.push(receivedFile(header, { scan: file.scan, name: file.name, size: measured.size, md5: measured.md5 }));
      changed = true;
    }
    if (changed || out.length !== listed.length) await this.store.writeManifest(session, out);
    return out;
  }

  private async statusAfterBuild(session: PrearchiveSession, files: number): Promise<{ status: PrearchiveStatus; message: string | null }> {
    if (files === 0) return { status: 'ERROR', message: 'The session holds no DICOM files' };
    if (!session.projectId) return { status: 'READY', message: null };
    const existing = await findExperimentInProject(this.db, session.projectId, session.label, 'labelFirst');
    const uid = existing?.item.fields.UID ?? '';
    if (existing && uid !== session.studyUid) {
      return { status: 'CONFLICT', message: `Session ${session.label} in project ${session.projectId} holds another study (StudyInstanceUID ${uid || 'none'}); this upload has StudyInstanceUID ${session.studyUid}. Archive it under another label.` };
    }
    return { status: 'READY', message: null };
  }
}
