import { entryPath, type DownloadStructure } from '../../archive/download-layout.js';
import { ClientError } from '../client/errors.js';
import type { XnatClient } from '../client/xnat-client.js';
import { runPool } from '../client/pool.js';
import { dataPath, parseFileUri, type RemoteFile } from './remote-file.js';

export interface Selection {
  readonly project: string;
  readonly subjects?: readonly string[];
  /** Session labels or accession IDs. */
  readonly sessions?: readonly string[];
  readonly scanTypes?: readonly string[];
  /** Resource labels (DICOM, NIFTI, ...) for scans and sessions. */
  readonly resources?: readonly string[];
  /** Include the sessions' own resources (not only their scans'). */
  readonly sessionResources: boolean;
  readonly structure: Exclude<DownloadStructure, 'legacy'>;
}

export interface SessionRow {
  readonly id: string;
  readonly label: string;
  readonly subject: string;
  readonly xsiType: string;
}

/** Image sessions of a project, narrowed to the chosen subjects and sessions. */
export async function listSessions(client: XnatClient, selection: Pick<Selection, 'project' | 'subjects' | 'sessions'>): Promise<SessionRow[]> {
  const rows = await client.rows(`/data/projects/${encodeURIComponent(selection.project)}/experiments`, { columns: 'ID,label,xsiType,subject_label' });
  const sessions = rows.map((r) => ({ id: r.ID ?? '', label: r.label ?? '', subject: r.subject_label ?? '', xsiType: r.xsiType ?? '' }))
    .filter((s) => /SessionData$/.test(s.xsiType))
    .filter((s) => !selection.subjects?.length || selection.subjects.includes(s.subject))
    .filter((s) => !selection.sessions?.length || selection.sessions.includes(s.label) || selection.sessions.includes(s.id));
  for (const wanted of selection.sessions ?? []) {
    if (!sessions.some((s) => s.label === wanted || s.id === wanted)) throw new ClientError(`No session ${wanted} in project ${selection.project}${selection.subjects?.length ? ` for subject(s) ${selection.subjects.join(', ')}` : ''}`);
  }
  return sessions.sort((a, b) => a.label.localeCompare(b.label));
}

/**
 * The files of a selection, laid out like XNAT's zips (`MR1/scans/1-T1w/resources/DICOM/files/...`),
 * from the listings every XNAT serves: scans with their types, `scans/ALL/files`, and session resources.
 */
export async function planSelection(client: XnatClient, selection: Selection): Promise<{ sessions: SessionRow[]; files: RemoteFile[] }> {
  const sessions = await listSessions(client, selection);
  const perSession: RemoteFile[][] = [];
  await runPool(sessions, 4, async (session, index) => {
    perSession[index] = await filesOfSession(client, selection, session);
  });
  return { sessions, files: perSession.flat() };
}

async function filesOfSession(client: XnatClient, selection: Selection, session: SessionRow): Promise<RemoteFile[]> {
  const base = `/data/projects/${encodeURIComponent(selection.project)}/experiments/${encodeURIComponent(session.id)}`;
  const types = new Map((await client.rowsOrNone(`${base}/scans`, { columns: 'ID,type' })).map((r) => [r.ID ?? '', r.type ?? '']));
  const wantedResource = (label: string) => !selection.resources?.length || selection.resources.includes(label);
  const out: RemoteFile[] = [];
  if (types.size > 0) {
    for (const row of await client.rowsOrNone(`${base}/scans/ALL/files`)) {
      const parsed = parseFileUri(row.URI ?? '');
      if (!parsed?.scan || !wantedResource(row.collection ?? '')) continue;
      const type = types.get(parsed.scan) ?? '';
      if (selection.scanTypes?.length && !selection.scanTypes.includes(type)) continue;
      const place = { root: session.label, category: 'scans' as const, scan: { id: parsed.scan, type }, resourceLabel: row.collection ?? '', resourceDir: '', path: parsed.path };
      out.push(remote(row, entryPath(place, selection.structure), session, parsed.scan));
    }
  }
  if (selection.sessionResources) {
    for (const resource of await client.rowsOrNone(`${base}/resources`)) {
      const label = resource.label ?? '';
      if (!label || !wantedResource(label)) continue;
      for (const row of await client.rowsOrNone(`${base}/resources/${encodeURIComponent(label)}/files`)) {
        const parsed = parseFileUri(row.URI ?? '');
        if (!parsed) continue;
        const place = { root: session.label, category: 'resources' as const, resourceLabel: label, resourceDir: '', path: parsed.path };
        out.push(remote(row, entryPath(place, selection.structure), session));
      }
    }
  }
  return out;
}

function remote(row: Record<string, string>, localPath: string, session: SessionRow, scan?: string): RemoteFile {
  const size = row.Size === undefined || row.Size === '' ? undefined : Number(row.Size);
  return { url: dataPath(row.URI ?? ''), localPath, size, md5: row.digest || undefined, session: session.id, scan: scan === undefined ? undefined : `${session.id}/${scan}` };
}
