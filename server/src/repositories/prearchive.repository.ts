import type { Selectable } from 'kysely';
import type { Db } from '../db/database.js';
import type { PrearchiveSessionTable } from '../db/tables/prearchive.table.js';
import type { ArchiveDecision, PrearchiveAddress, PrearchiveFile, PrearchiveScan, PrearchiveSession, PrearchiveStatus } from '../domain/prearchive.js';
import { now } from './field-columns.js';

export type NewPrearchiveSession = Pick<PrearchiveSession,
  'projectKey' | 'projectId' | 'timestamp' | 'folder' | 'subject' | 'label' | 'studyUid' | 'autoArchive' | 'source' | 'preventAnon' | 'preventAutoCommit' | 'createdBy'>;

export async function insertPrearchiveSession(db: Db, s: NewPrearchiveSession): Promise<PrearchiveSession> {
  const at = now();
  const row = await db.insertInto('prearchive_session').values({
    project_key: s.projectKey, project_id: s.projectId, timestamp: s.timestamp, folder: s.folder, subject: s.subject, label: s.label,
    study_uid: s.studyUid, xsi_type: null, status: 'RECEIVING', scan_date: null, scan_time: null, uploaded: at, last_modified: at,
    auto_archive: s.autoArchive, source: s.source, prevent_anon: s.preventAnon ? 1 : 0, prevent_auto_commit: s.preventAutoCommit ? 1 : 0,
    fields: '{}', message: null, created_by: s.createdBy,
  }).returningAll().executeTakeFirstOrThrow();
  return toSession(row);
}

export async function findPrearchiveSession(db: Db, a: PrearchiveAddress): Promise<PrearchiveSession | undefined> {
  const row = await db.selectFrom('prearchive_session').selectAll()
    .where('project_key', '=', a.projectKey).where('timestamp', '=', a.timestamp).where('folder', '=', a.folder).executeTakeFirst();
  return row && toSession(row);
}

export async function findPrearchiveSessionById(db: Db, id: number): Promise<PrearchiveSession | undefined> {
  const row = await db.selectFrom('prearchive_session').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toSession(row);
}

/** The session of the same project, study and label still open for more files (XNAT's session grouping). */
export async function findOpenPrearchiveSession(db: Db, projectKey: string, studyUid: string, label: string, statuses: readonly PrearchiveStatus[]): Promise<PrearchiveSession | undefined> {
  const row = await db.selectFrom('prearchive_session').selectAll()
    .where('project_key', '=', projectKey).where('study_uid', '=', studyUid).where('label', '=', label)
    .where('status', 'in', statuses as PrearchiveStatus[])
    .orderBy('id', 'desc').executeTakeFirst();
  return row && toSession(row);
}

export async function folderTaken(db: Db, projectKey: string, timestamp: string, folder: string): Promise<boolean> {
  const row = await db.selectFrom('prearchive_session').select('id')
    .where('project_key', '=', projectKey).where('timestamp', '=', timestamp).where('folder', '=', folder).executeTakeFirst();
  return row !== undefined;
}

/** Sessions of the given projects (undefined: every project, Unassigned included), newest first. */
export async function listPrearchiveSessions(db: Db, projectKeys: readonly string[] | undefined, filter: { studyUid?: string } = {}): Promise<PrearchiveSession[]> {
  if (projectKeys && projectKeys.length === 0) return [];
  let q = db.selectFrom('prearchive_session').selectAll();
  if (projectKeys) q = q.where('project_key', 'in', projectKeys as string[]);
  if (filter.studyUid) q = q.where('study_uid', '=', filter.studyUid);
  return (await q.orderBy('uploaded', 'desc').orderBy('id', 'desc').execute()).map(toSession);
}

/** RECEIVING sessions last changed before `before` (ready to build once quiet). */
export async function listQuietReceiving(db: Db, before: string): Promise<PrearchiveSession[]> {
  const rows = await db.selectFrom('prearchive_session').selectAll()
    .where('status', '=', 'RECEIVING').where('last_modified', '<', before).orderBy('id').execute();
  return rows.map(toSession);
}

export interface PrearchivePatch {
  readonly status?: PrearchiveStatus;
  readonly message?: string | null;
  readonly projectKey?: string;
  readonly projectId?: string | null;
  readonly subject?: string;
  readonly label?: string;
  readonly xsiType?: string | null;
  readonly scanDate?: string | null;
  readonly scanTime?: string | null;
  readonly fields?: Readonly<Record<string, string>>;
  readonly autoArchive?: ArchiveDecision | null;
  readonly touch?: boolean;
}

export async function updatePrearchiveSession(db: Db, id: number, p: PrearchivePatch): Promise<void> {
  await db.updateTable('prearchive_session').set({
    ...(p.status !== undefined && { status: p.status }),
    ...(p.message !== undefined && { message: p.message }),
    ...(p.projectKey !== undefined && { project_key: p.projectKey }),
    ...(p.projectId !== undefined && { project_id: p.projectId }),
    ...(p.subject !== undefined && { subject: p.subject }),
    ...(p.label !== undefined && { label: p.label }),
    ...(p.xsiType !== undefined && { xsi_type: p.xsiType }),
    ...(p.scanDate !== undefined && { scan_date: p.scanDate }),
    ...(p.scanTime !== undefined && { scan_time: p.scanTime }),
    ...(p.fields !== undefined && { fields: JSON.stringify(p.fields) }),
    ...(p.autoArchive !== undefined && { auto_archive: p.autoArchive }),
    ...(p.touch && { last_modified: now() }),
  }).where('id', '=', id).execute();
}

/** Moves a session from one status to another only if it is still in one of `from` (a lock). */
export async function claimPrearchiveSession(db: Db, id: number, from: readonly PrearchiveStatus[], to: PrearchiveStatus): Promise<boolean> {
  const result = await db.updateTable('prearchive_session').set({ status: to, last_modified: now() })
    .where('id', '=', id).where('status', 'in', from as PrearchiveStatus[]).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Records that files arrived: back to RECEIVING from any interruptible status. */
export async function touchReceiving(db: Db, id: number, at: string): Promise<void> {
  await db.updateTable('prearchive_session').set({ status: 'RECEIVING', last_modified: at, message: null }).where('id', '=', id).execute();
}

export async function deletePrearchiveSession(db: Db, id: number): Promise<void> {
  await db.deleteFrom('prearchive_session').where('id', '=', id).execute();
}

export async function replacePrearchiveContents(db: Db, sessionId: number, scans: readonly PrearchiveScan[], files: readonly PrearchiveFile[]): Promise<void> {
  await db.deleteFrom('prearchive_file').where('session_id', '=', sessionId).execute();
  await db.deleteFrom('prearchive_scan').where('session_id', '=', sessionId).execute();
  for (let i = 0; i < scans.length; i += 200) {
    await db.insertInto('prearchive_scan').values(scans.slice(i, i + 200).map((s) => ({
      session_id: sessionId, scan_id: s.scanId, folder: s.folder, series_uid: s.seriesUid, xsi_type: s.xsiType, fields: JSON.stringify(s.fields),
      file_count: s.fileCount, file_size: s.fileSize,
    }))).execute();
  }
  for (let i = 0; i < files.length; i += 500) {
    await db.insertInto('prearchive_file').values(files.slice(i, i + 500).map((f) => ({
      session_id: sessionId, scan_id: f.scanId, name: f.name, size: f.size, md5: f.md5, sop_uid: f.sopUid,
    }))).execute();
  }
}

export async function listPrearchiveScans(db: Db, sessionId: number): Promise<PrearchiveScan[]> {
  const rows = await db.selectFrom('prearchive_scan').selectAll().where('session_id', '=', sessionId).execute();
  return rows.map((r) => ({
    scanId: r.scan_id, folder: r.folder, seriesUid: r.series_uid, xsiType: r.xsi_type, fields: JSON.parse(r.fields) as Record<string, string>,
    fileCount: Number(r.file_count), fileSize: Number(r.file_size),
  }));
}

export async function listPrearchiveFiles(db: Db, sessionId: number, scanId?: string): Promise<PrearchiveFile[]> {
  let q = db.selectFrom('prearchive_file').selectAll().where('session_id', '=', sessionId);
  if (scanId !== undefined) q = q.where('scan_id', '=', scanId);
  const rows = await q.orderBy('scan_id').orderBy('name').execute();
  return rows.map((r) => ({ scanId: r.scan_id, name: r.name, size: Number(r.size), md5: r.md5, sopUid: r.sop_uid }));
}

function toSession(r: Selectable<PrearchiveSessionTable>): PrearchiveSession {
  return {
    id: Number(r.id), projectKey: r.project_key, projectId: r.project_id, timestamp: r.timestamp, folder: r.folder, subject: r.subject, label: r.label,
    studyUid: r.study_uid, xsiType: r.xsi_type, status: r.status as PrearchiveStatus, scanDate: r.scan_date, scanTime: r.scan_time,
    uploaded: r.uploaded, lastModified: r.last_modified, autoArchive: r.auto_archive as ArchiveDecision | null, source: r.source,
    preventAnon: Boolean(r.prevent_anon), preventAutoCommit: Boolean(r.prevent_auto_commit), fields: JSON.parse(r.fields) as Record<string, string>,
    message: r.message, createdBy: r.created_by,
  };
}

/** Scans, files and bytes of each session, for listings. */
export async function prearchiveCounts(db: Db, sessionIds: readonly number[]): Promise<Map<number, { scans: number; files: number; bytes: number }>> {
  const out = new Map<number, { scans: number; files: number; bytes: number }>();
  for (let i = 0; i < sessionIds.length; i += 500) {
    const rows = await db.selectFrom('prearchive_scan')
      .select((eb) => ['session_id', eb.fn.countAll<number>().as('scans'), eb.fn.sum<number>('file_count').as('files'), eb.fn.sum<number>('file_size').as('bytes')])
      .where('session_id', 'in', sessionIds.slice(i, i + 500) as number[])
      .groupBy('session_id').execute();
    for (const r of rows) out.set(Number(r.session_id), { scans: Number(r.scans), files: Number(r.files), bytes: Number(r.bytes) });
  }
  return out;
}
