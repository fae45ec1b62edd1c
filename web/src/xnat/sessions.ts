import { call, enc, getRows, type Row } from './http.ts';
import { getItem } from './item.ts';

export interface SessionRow {
  readonly id: string;
  readonly label: string;
  readonly date: string;
  readonly xsiType: string;
  readonly modality: string;
  readonly shared: boolean;
  readonly ownerProject: string;
  readonly ownerLabel: string;
  readonly subjectLabel: string;
}

const LIST_COLUMNS = 'ID,label,date,xsiType,modality,shared,owner_project,owner_label,subject_label';

function toSessionRow(r: Row): SessionRow {
  return {
    id: r.ID ?? '', label: r.label ?? '', date: r.date ?? '', xsiType: r.xsiType ?? '', modality: r.modality ?? '', shared: r.shared === '1',
    ownerProject: r.owner_project ?? '', ownerLabel: r.owner_label ?? '', subjectLabel: r.subject_label ?? '',
  };
}

export async function listSubjectSessions(project: string, subject: string, signal?: AbortSignal): Promise<SessionRow[]> {
  return (await getRows(`/data/projects/${enc(project)}/subjects/${enc(subject)}/experiments`, { columns: LIST_COLUMNS }, signal)).map(toSessionRow);
}

/** Image sessions of a project (for downloads). */
export async function listProjectSessions(project: string, signal?: AbortSignal): Promise<SessionRow[]> {
  return (await getRows(`/data/projects/${enc(project)}/experiments`, { columns: LIST_COLUMNS, xsiType: 'xnat:imageSessionData' }, signal)).map(toSessionRow);
}

export interface SessionDetail {
  readonly id: string;
  readonly label: string;
  readonly ownerProject: string;
  readonly subjectId: string;
  readonly xsiType: string;
  readonly fields: Readonly<Record<string, string>>;
}

export async function getSession(project: string, session: string, signal?: AbortSignal): Promise<SessionDetail> {
  const item = await getItem(`/data/projects/${enc(project)}/experiments/${enc(session)}`, {}, signal);
  const f = item.fields;
  return { id: f.ID ?? '', label: f.label ?? '', ownerProject: f.project ?? '', subjectId: f.subject_ID ?? '', xsiType: item.xsiType, fields: f };
}

/** Session fields people add or edit; `types` limits a field to sessions of those kinds. */
export const SESSION_FIELDS: readonly { key: string; label: string; kind?: 'date' | 'time' | 'text' | 'number'; types?: readonly string[] }[] = [
  { key: 'date', label: 'Date', kind: 'date' },
  { key: 'time', label: 'Time', kind: 'time' },
  { key: 'visit_id', label: 'Visit' },
  { key: 'protocol', label: 'Protocol' },
  { key: 'acquisition_site', label: 'Acquisition site' },
  { key: 'scanner', label: 'Scanner' },
  { key: 'operator', label: 'Operator' },
  { key: 'fieldStrength', label: 'Field strength', types: ['xnat:mrSessionData'] },
  { key: 'tracer_name', label: 'Tracer', types: ['xnat:petSessionData', 'xnat:petmrSessionData'] },
  { key: 'dcmAccessionNumber', label: 'Accession number' },
  { key: 'note', label: 'Notes', kind: 'text' },
];

export async function updateSession(project: string, session: string, fields: Record<string, string>): Promise<void> {
  await call('PUT', `/data/projects/${enc(project)}/experiments/${enc(session)}`, { query: fields });
}

export interface ScanRow {
  readonly id: string;
  readonly type: string;
  readonly seriesDescription: string;
  readonly quality: string;
  readonly xsiType: string;
  readonly fileCount: number;
  readonly fileSize: number;
}

export async function listScans(project: string, session: string, signal?: AbortSignal): Promise<ScanRow[]> {
  const rows = await getRows(`/data/projects/${enc(project)}/experiments/${enc(session)}/scans`, {
    columns: 'ID,type,series_description,quality,xsiType,file_count,file_size', sortBy: 'ID',
  }, signal);
  return rows.map((r) => ({
    id: r.ID ?? '', type: r.type ?? '', seriesDescription: r.series_description ?? '', quality: r.quality ?? '', xsiType: r.xsiType ?? '',
    fileCount: Number(r.file_count || 0), fileSize: Number(r.file_size || 0),
  }));
}

export interface ResourceRow {
  readonly id: string;
  readonly label: string;
  /** `resources` (the session's own), `scans`, `assessors`... */
  readonly category: string;
  readonly scanId: string;
  readonly scanType: string;
  readonly format: string;
  readonly content: string;
  readonly fileCount: number;
  readonly fileSize: number;
}

/** The session's own resources, then those of its scans (`scans/ALL/resources`). */
export async function listResources(project: string, session: string, signal?: AbortSignal): Promise<ResourceRow[]> {
  const base = `/data/projects/${enc(project)}/experiments/${enc(session)}`;
  const [own, scans] = await Promise.all([getRows(`${base}/resources`, {}, signal), getRows(`${base}/scans/ALL/resources`, {}, signal)]);
  return [...own, ...scans].map((r) => ({
    id: r.xnat_abstractresource_id ?? '', label: r.label ?? '', category: r.category ?? '', scanId: r.cat_id ?? '', scanType: r.cat_desc ?? '',
    format: r.format ?? '', content: r.content ?? '', fileCount: Number(r.file_count || 0), fileSize: Number(r.file_size || 0),
  }));
}

/** Zip of the whole session, or of chosen scans (XNAT's file listing with format=zip, xnat-api.md §9.1). */
export function sessionZipUrl(sessionId: string, scanIds?: readonly string[]): string {
  const scans = scanIds && scanIds.length > 0 ? scanIds.map(enc).join(',') : 'ALL';
  return `/data/experiments/${enc(sessionId)}/scans/${scans}/files?format=zip`;
}
