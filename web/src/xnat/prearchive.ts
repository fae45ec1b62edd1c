import { call, enc, getRows, getText, type Row } from './http.ts';

/** One session waiting in the prearchive (xnat-api.md §8.1). */
export interface PrearchiveEntry {
  readonly project: string;
  readonly timestamp: string;
  readonly folder: string;
  readonly subject: string;
  readonly session: string;
  readonly status: string;
  readonly scanDate: string;
  readonly uploaded: string;
  readonly lastModified: string;
  readonly studyUid: string;
  readonly scans: number;
  readonly files: number;
  readonly bytes: number;
  /** Why the session is in CONFLICT or ERROR. */
  readonly message: string;
  /** `/prearchive/projects/{P}/{timestamp}/{folder}` (what the services take as `src`). */
  readonly src: string;
}

function toEntry(r: Row): PrearchiveEntry {
  const url = r.url ?? `/prearchive/projects/${r.project}/${r.timestamp}/${r.folderName}`;
  return {
    project: r.project ?? '', timestamp: r.timestamp ?? '', folder: r.folderName ?? '', subject: r.subject ?? '', session: r.name ?? '',
    status: r.status ?? '', scanDate: r.scan_date ?? '', uploaded: r.uploaded ?? '', lastModified: r.lastmod ?? '', studyUid: r.tag ?? '',
    scans: Number(r.scan_count ?? 0), files: Number(r.file_count ?? 0), bytes: Number(r.file_size ?? 0), message: r.message ?? '',
    src: url.replace(/^\/data/, ''),
  };
}

export async function listPrearchive(project: string | undefined, signal?: AbortSignal): Promise<PrearchiveEntry[]> {
  return (await getRows(project ? `/data/prearchive/projects/${enc(project)}` : '/data/prearchive/projects', {}, signal)).map(toEntry);
}

const entryPath = (project: string, timestamp: string, folder: string) => `/data/prearchive/projects/${enc(project)}/${enc(timestamp)}/${enc(folder)}`;

export async function getPrearchiveEntry(project: string, timestamp: string, folder: string, signal?: AbortSignal): Promise<PrearchiveEntry | undefined> {
  const row = (await getRows(entryPath(project, timestamp, folder), {}, signal))[0];
  return row && toEntry(row);
}

export interface PrearchiveScan {
  readonly id: string;
  readonly xsiType: string;
  readonly seriesDescription: string;
  readonly fileCount: number;
  readonly fileSize: number;
}

/** The scans of an upload with their file counts and sizes (xnat-api.md §8.1). */
export async function listPrearchiveScans(project: string, timestamp: string, folder: string, signal?: AbortSignal): Promise<PrearchiveScan[]> {
  const rows = await getRows(`${entryPath(project, timestamp, folder)}/scans`, {}, signal);
  return rows.map((r) => ({
    id: r.ID ?? '', xsiType: r.xsiType ?? '', seriesDescription: r.series_description ?? '',
    fileCount: Number(r.file_count || 0), fileSize: Number(r.file_size || 0),
  }));
}

/** The last log line of a session (why it is in CONFLICT or ERROR). */
export async function lastLog(project: string, timestamp: string, folder: string, signal?: AbortSignal): Promise<string> {
  return (await getText(`${entryPath(project, timestamp, folder)}/logs/last`, {}, signal)).trim();
}

export type Overwrite = 'none' | 'append' | 'delete';

/** Archives a session; returns the archive URI the server answers with. */
export async function archiveEntry(entry: PrearchiveEntry, options: { subject: string; session: string; overwrite: Overwrite }): Promise<string> {
  const response = await call('POST', '/data/services/archive', {
    query: { src: entry.src, project: entry.project, subject: options.subject, session: options.session, overwrite: options.overwrite },
  });
  return (await response.text()).trim().split(/\r?\n/)[0] ?? '';
}

export async function moveEntry(entry: PrearchiveEntry, newProject: string): Promise<void> {
  await call('POST', '/data/services/prearchive/move', { query: { src: entry.src, newProject, async: 'false' } });
}

export async function rebuildEntry(entry: PrearchiveEntry): Promise<void> {
  await call('POST', '/data/services/prearchive/rebuild', { query: { src: entry.src } });
}

export async function deleteEntry(entry: PrearchiveEntry): Promise<void> {
  await call('POST', '/data/services/prearchive/delete', { query: { src: entry.src } });
}
