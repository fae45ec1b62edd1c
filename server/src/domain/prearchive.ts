import { invalidInput } from './errors.js';

/**
 * The prearchive (xnat-api.md §8): uploads wait here, one folder per session, until they are
 * reviewed and archived. Sessions are addressed as `/prearchive/projects/{project}/{timestamp}/{folder}`.
 */
export const UNASSIGNED = 'Unassigned';

export const PREARCHIVE_STATUSES = ['RECEIVING', 'BUILDING', 'READY', 'CONFLICT', 'ERROR', 'ARCHIVING', 'MOVING', 'DELETING'] as const;
export type PrearchiveStatus = (typeof PREARCHIVE_STATUSES)[number];

/** Statuses in which new files may arrive (the session goes back to RECEIVING). */
export const INTERRUPTIBLE: readonly PrearchiveStatus[] = ['RECEIVING', 'BUILDING', 'READY', 'CONFLICT', 'ERROR'];
/** Statuses in which someone may act on the session (archive, move, rebuild, delete). */
export const ACTIONABLE: readonly PrearchiveStatus[] = ['RECEIVING', 'READY', 'CONFLICT', 'ERROR'];

/** What the project (or the upload) says should happen once a session is built: XNAT's prearchive_code 0/4/5. */
export type ArchiveDecision = 'Manual' | 'AutoArchive' | 'AutoArchiveOverwrite';

export function decisionOfCode(code: number): ArchiveDecision {
  return code >= 5 ? 'AutoArchiveOverwrite' : code >= 4 ? 'AutoArchive' : 'Manual';
}

export type Overwrite = 'none' | 'append' | 'delete';

export function parseOverwrite(value: string | undefined): Overwrite | undefined {
  if (value === undefined || value === '') return undefined;
  const v = value.toLowerCase();
  if (v === 'none' || v === 'append' || v === 'delete') return v;
  if (v === 'override') return 'delete';
  if (v === 'true') return 'append';
  if (v === 'false') return 'none';
  throw invalidInput(`Unknown overwrite '${value}': use none, append or delete`);
}

export interface PrearchiveSession {
  readonly id: number;
  /** The project ID, or `Unassigned`. */
  readonly projectKey: string;
  readonly projectId: string | null;
  readonly timestamp: string;
  readonly folder: string;
  readonly subject: string;
  readonly label: string;
  readonly studyUid: string;
  readonly xsiType: string | null;
  readonly status: PrearchiveStatus;
  readonly scanDate: string | null;
  readonly scanTime: string | null;
  readonly uploaded: string;
  readonly lastModified: string;
  readonly autoArchive: ArchiveDecision | null;
  readonly source: string;
  readonly preventAnon: boolean;
  readonly preventAutoCommit: boolean;
  readonly fields: Readonly<Record<string, string>>;
  readonly message: string | null;
  readonly createdBy: string;
}

export interface PrearchiveScan {
  readonly scanId: string;
  readonly folder: string;
  readonly seriesUid: string;
  readonly xsiType: string;
  readonly fields: Readonly<Record<string, string>>;
  readonly fileCount: number;
  readonly fileSize: number;
}

export interface PrearchiveFile {
  readonly scanId: string;
  readonly name: string;
  readonly size: number;
  readonly md5: string;
  readonly sopUid: string;
}

export interface PrearchiveAddress {
  readonly projectKey: string;
  readonly timestamp: string;
  readonly folder: string;
}

export const prearchiveUri = (s: PrearchiveAddress) => `/prearchive/projects/${s.projectKey}/${s.timestamp}/${s.folder}`;

/** Reads `[/data]/prearchive/projects/{P}/{timestamp}/{folder}` (what the services take as `src`). */
export function parsePrearchiveUri(src: string): PrearchiveAddress {
  const clean = src.trim().replace(/^https?:\/\/[^/]+/, '').replace(/^\/(data|REST)(?=\/)/i, '');
  const m = /^\/prearchive\/projects\/([^/]+)\/([^/]+)\/([^/?#]+)\/?$/.exec(clean);
  if (!m) throw invalidInput(`'${src}' is not a prearchive session: use /prearchive/projects/{project}/{timestamp}/{session}`);
  return { projectKey: decodeURIComponent(m[1]!), timestamp: decodeURIComponent(m[2]!), folder: decodeURIComponent(m[3]!) };
}

/** The folder timestamp XNAT uses: yyyyMMdd_HHmmssSSS (UTC here). */
export function prearchiveTimestamp(at: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${at.getUTCFullYear()}${p(at.getUTCMonth() + 1)}${p(at.getUTCDate())}_${p(at.getUTCHours())}${p(at.getUTCMinutes())}${p(at.getUTCSeconds())}${p(at.getUTCMilliseconds(), 3)}`;
}

/** Timestamps as the prearchive listing shows them: `YYYY-MM-DD HH:MM:SS.fff` (xnatpy parses this). */
export function listingTime(iso: string): string {
  return iso.replace('T', ' ').replace(/Z$/, '').slice(0, 23);
}
