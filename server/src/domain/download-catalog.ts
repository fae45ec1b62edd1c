import { invalidInput } from './errors.js';

/**
 * The multi-session download of XNAT's web UI and Desktop Client (xnat-api.md §9.3): a request naming
 * sessions and what to take from each, turned into a catalog of resource folders, fetched later as
 * XML or as one zip.
 */
export interface DownloadRequest {
  /** `PROJECT:SUBJECT:LABEL:EXPERIMENT_ID`, one per session, as the UI sends them. */
  readonly sessions: readonly SessionKey[];
  /** Scan types to include; undefined means every type, an empty list none. `null` in the list matches untyped scans. */
  readonly scanTypes?: readonly (string | null)[];
  /** Scan resource labels (XNAT calls them formats: DICOM, NIFTI...); undefined means all. */
  readonly scanFormats?: readonly (string | null)[];
  /** Session-level resource labels. */
  readonly resources?: readonly string[];
  /** Assessor xsiTypes whose resources to include. */
  readonly assessors?: readonly string[];
  readonly options: DownloadOptions;
}

export interface SessionKey {
  readonly project: string;
  readonly subject: string;
  readonly label: string;
  readonly experimentId: string;
}

export interface DownloadOptions {
  /** Folders without the `resources` level and scan types (`MR1/1/DICOM`). */
  readonly simplified: boolean;
  readonly projectIncludedInPath: boolean;
  readonly subjectIncludedInPath: boolean;
}

/** What a catalog entry points at, kept with the entry so the zip never has to parse URIs. */
export type EntryTarget =
  | { readonly kind: 'scan'; readonly project: string; readonly experimentId: string; readonly scanId: string; readonly resource: string }
  | { readonly kind: 'resource'; readonly project: string; readonly experimentId: string; readonly resource: string }
  | { readonly kind: 'assessor'; readonly project: string; readonly experimentId: string; readonly assessorId: string; readonly resource: string };

export interface CatalogEntry {
  /** `/archive/experiments/{E}/scans/{SC}/resources/{R}/files` (DXM turns `/archive/` into `/data/`). */
  readonly uri: string;
  /** The folder the resource's files go to, e.g. `MR1/scans/1-T1w/resources/DICOM`. */
  readonly name: string;
  readonly target: EntryTarget;
  readonly size: number;
}

export interface CatalogEntrySet {
  readonly id: 'RAW' | 'RESOURCES' | 'ASSESSORS';
  readonly description: string;
  readonly entries: readonly CatalogEntry[];
}

export interface CatalogSession {
  readonly experimentId: string;
  readonly description: string;
  readonly sets: readonly CatalogEntrySet[];
}

export interface DownloadCatalog {
  readonly id: string;
  readonly description: string;
  readonly sessions: readonly CatalogSession[];
}

const OPTION_NAMES = ['simplified', 'projectIncludedInPath', 'subjectIncludedInPath'] as const;

/** Reads the JSON body of POST /xapi/archive/download, naming whatever is wrong with it. */
export function parseDownloadRequest(body: unknown): DownloadRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidInput('Send a JSON object: {"sessions":["PROJECT:SUBJECT:LABEL:ID"], "scan_types":[...], "scan_formats":[...], "resources":[...]}');
  }
  const b = body as Record<string, unknown>;
  const list = (key: string, allowNull = false): (string | null)[] | undefined => {
    const v = b[key];
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string' || (allowNull && x === null))) throw invalidInput(`"${key}" must be a list of strings`);
    return v as (string | null)[];
  };
  const sessions = list('sessions');
  if (!sessions || sessions.length === 0) throw invalidInput('Name at least one session in "sessions" (PROJECT:SUBJECT:LABEL:ID)');
  const options = (list('options') ?? []) as string[];
  for (const o of options) {
    if (!(OPTION_NAMES as readonly string[]).includes(o)) throw invalidInput(`Unknown option '${o}': use ${OPTION_NAMES.join(', ')}`);
  }
  return {
    sessions: (sessions as string[]).map(parseSessionKey),
    scanTypes: list('scan_types', true),
    scanFormats: list('scan_formats', true),
    resources: list('resources') as string[] | undefined,
    assessors: list('assessors') as string[] | undefined,
    options: {
      simplified: options.includes('simplified'),
      projectIncludedInPath: options.includes('projectIncludedInPath'),
      subjectIncludedInPath: options.includes('subjectIncludedInPath'),
    },
  };
}

function parseSessionKey(value: string): SessionKey {
  const [project, subject, label, experimentId, ...rest] = value.split(':');
  if (!project || subject === undefined || label === undefined || !experimentId || rest.length > 0) {
    throw invalidInput(`Session '${value}' is not PROJECT:SUBJECT:LABEL:EXPERIMENT_ID`);
  }
  return { project, subject, label, experimentId };
}

/**
 * The folder of a catalog entry, as XNAT's DefaultCatalogService.getPath builds it: `simplified` keeps
 * only the values (`MR1/1/DICOM`), the options prefix the project and subject.
 */
export function entryFolder(options: DownloadOptions, key: { project: string; subject: string }, label: string, pairs: readonly [string, string][]): string {
  const parts = options.simplified ? pairs.map(([, v]) => v) : pairs.flat();
  const base = [label, ...parts].join('/');
  if (options.projectIncludedInPath) return `${key.project}/${key.subject}/${base}`;
  if (options.subjectIncludedInPath) return `${key.subject}/${base}`;
  return base;
}

/** XNAT's scan folder in catalogs: `1-T1w`, with `\ / ( ) ,` and spaces as `_`. */
export function catalogScanFolder(scanId: string, type: string): string {
  return type ? `${scanId}-${type.replace(/[\\/(), ]/g, '_')}` : scanId;
}

export function optionsDescription(options: DownloadOptions): string {
  return OPTION_NAMES.filter((o) => options[o]).join(',');
}
