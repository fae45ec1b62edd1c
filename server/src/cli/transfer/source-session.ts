import { EXPERIMENT_FIELDS, SCAN_FIELDS, SUBJECT_FIELDS } from '../../domain/fields.js';
import { runPool } from '../client/pool.js';
import type { XnatClient } from '../client/xnat-client.js';
import { listSessions, type Selection } from '../download/plan-selection.js';
import { dataPath, parseFileUri } from '../download/remote-file.js';

/** Where a resource hangs in a session: the session itself or one of its scans. */
export type ResourceOwnerKey = { readonly kind: 'session' } | { readonly kind: 'scan'; readonly scan: string };

export interface SourceResource {
  readonly owner: ResourceOwnerKey;
  readonly label: string;
  readonly format: string;
  readonly content: string;
  readonly tags: string;
}

export interface SourceFile {
  readonly owner: ResourceOwnerKey;
  readonly resource: string;
  readonly path: string;
  readonly url: string;
  readonly size?: number;
  readonly md5?: string;
}

export interface SourceSession {
  readonly id: string;
  readonly label: string;
  readonly subject: string;
  readonly xsiType: string;
  /** Descriptive fields by XNAT shortcut key, non-empty only. */
  readonly fields: Record<string, string>;
  readonly subjectFields: Record<string, string>;
  readonly scans: readonly { readonly id: string; readonly xsiType: string; readonly fields: Record<string, string> }[];
  readonly resources: readonly SourceResource[];
  readonly files: readonly SourceFile[];
}

/** The same choices as a download, without a local layout. */
export type SourceSelection = Omit<Selection, 'structure'>;

const keys = (defs: readonly { key: string }[]) => defs.map((d) => d.key);
const nonEmpty = (row: Record<string, string>, wanted: readonly string[]) =>
  Object.fromEntries(wanted.filter((k) => row[k] !== undefined && row[k] !== '').map((k) => [k, row[k] as string]));

/** Everything a copy needs from the source, read through the REST listings XNAT and this server share. */
export async function readSourceSessions(client: XnatClient, selection: SourceSelection): Promise<SourceSession[]> {
  const project = encodeURIComponent(selection.project);
  const rows = await listSessions(client, selection);
  const fieldsById = new Map((await client.rows(`/data/projects/${project}/experiments`, { columns: ['ID', ...keys(EXPERIMENT_FIELDS)].join(',') })).map((r) => [r.ID ?? '', r]));
  const subjects = new Map((await client.rows(`/data/projects/${project}/subjects`, { columns: ['ID', 'label', ...keys(SUBJECT_FIELDS)].join(',') })).map((r) => [r.label ?? '', r]));
  const out: SourceSession[] = [];
  await runPool(rows, 4, async (row, index) => {
    const base = `/data/projects/${project}/experiments/${encodeURIComponent(row.id)}`;
    const scans = (await client.rowsOrNone(`${base}/scans`, { columns: ['ID', 'xsiType', ...keys(SCAN_FIELDS)].join(',') }))
      .filter((s) => !selection.scanTypes?.length || selection.scanTypes.includes(s.type ?? ''))
      .map((s) => ({ id: s.ID ?? '', xsiType: s.xsiType ?? '', fields: nonEmpty(s, keys(SCAN_FIELDS)) }));
    const wantedResource = (label: string) => !selection.resources?.length || selection.resources.includes(label);
    const resources: SourceResource[] = [];
    const files: SourceFile[] = [];
    for (const scan of scans) {
      const scanBase = `${base}/scans/${encodeURIComponent(scan.id)}`;
      for (const r of await client.rowsOrNone(`${scanBase}/resources`)) {
        if (!wantedResource(r.label ?? '')) continue;
        const owner: ResourceOwnerKey = { kind: 'scan', scan: scan.id };
        resources.push(resourceOf(owner, r));
        files.push(...filesOf(owner, r.label ?? '', await client.rowsOrNone(`${scanBase}/resources/${encodeURIComponent(r.label ?? '')}/files`)));
      }
    }
    if (selection.sessionResources) {
      for (const r of await client.rowsOrNone(`${base}/resources`)) {
        if (!wantedResource(r.label ?? '')) continue;
        const owner: ResourceOwnerKey = { kind: 'session' };
        resources.push(resourceOf(owner, r));
        files.push(...filesOf(owner, r.label ?? '', await client.rowsOrNone(`${base}/resources/${encodeURIComponent(r.label ?? '')}/files`)));
      }
    }
    out[index] = {
      id: row.id, label: row.label, subject: row.subject, xsiType: row.xsiType,
      fields: nonEmpty(fieldsById.get(row.id) ?? {}, keys(EXPERIMENT_FIELDS)), subjectFields: nonEmpty(subjects.get(row.subject) ?? {}, keys(SUBJECT_FIELDS)),
      scans, resources, files,
    };
  });
  return out;
}

function resourceOf(owner: ResourceOwnerKey, row: Record<string, string>): SourceResource {
  return { owner, label: row.label ?? '', format: row.format ?? '', content: row.content ?? '', tags: row.tags ?? '' };
}

function filesOf(owner: ResourceOwnerKey, resource: string, rows: readonly Record<string, string>[]): SourceFile[] {
  return rows.flatMap((row) => {
    const parsed = parseFileUri(row.URI ?? '');
    if (!parsed) return [];
    return [{ owner, resource, path: parsed.path, url: dataPath(row.URI ?? ''), size: row.Size ? Number(row.Size) : undefined, md5: row.digest || undefined }];
  });
}

/** A stable key for a file inside a session: `scan/1/DICOM/a.dcm` or `session/NOTES/x.txt`. */
export function fileKey(f: { owner: ResourceOwnerKey; resource: string; path: string }): string {
  return `${f.owner.kind === 'scan' ? `scan/${f.owner.scan}` : 'session'}/${f.resource}/${f.path}`;
}
