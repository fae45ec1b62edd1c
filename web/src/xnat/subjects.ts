import { call, enc, getRows, type Row } from './http.ts';
import { getItem } from './item.ts';

export interface SubjectRow {
  readonly id: string;
  readonly label: string;
  readonly ownerProject: string;
  readonly ownerLabel: string;
  readonly shared: boolean;
  readonly sessions: number;
  readonly group: string;
  readonly gender: string;
}

export interface SubjectPage {
  readonly rows: readonly SubjectRow[];
  readonly hasMore: boolean;
}

/** One page of a project's subjects (owned and shared in), ordered by label, optionally filtered by label. */
export async function listSubjects(project: string, options: { offset: number; limit: number; filter?: string }, signal?: AbortSignal): Promise<SubjectPage> {
  const rows = await getRows(`/data/projects/${enc(project)}/subjects`, {
    columns: 'ID,label,project,shared,owner_label,experiment_count,group,gender',
    offset: options.offset, limit: options.limit + 1,
    label: options.filter ? `*${options.filter.replace(/[*%]/g, '')}*` : undefined,
  }, signal);
  return { rows: rows.slice(0, options.limit).map(toRow), hasMore: rows.length > options.limit };
}

function toRow(r: Row): SubjectRow {
  return {
    id: r.ID ?? '', label: r.label ?? '', ownerProject: r.project ?? '', ownerLabel: r.owner_label ?? '', shared: r.shared === '1',
    sessions: Number(r.experiment_count || 0), group: r.group ?? '', gender: r.gender ?? '',
  };
}

/** Descriptive and demographic fields people edit on the subject page, in display order. */
export const SUBJECT_FIELDS: readonly { key: string; label: string; kind?: 'select' | 'date' | 'number' | 'text'; options?: readonly string[] }[] = [
  { key: 'group', label: 'Group' },
  { key: 'gender', label: 'Gender', kind: 'select', options: ['male', 'female', 'other', 'unknown'] },
  { key: 'handedness', label: 'Handedness', kind: 'select', options: ['right', 'left', 'ambidextrous', 'unknown'] },
  { key: 'dob', label: 'Date of birth', kind: 'date' },
  { key: 'yob', label: 'Year of birth', kind: 'number' },
  { key: 'age', label: 'Age', kind: 'number' },
  { key: 'race', label: 'Race' },
  { key: 'ethnicity', label: 'Ethnicity' },
  { key: 'height', label: 'Height', kind: 'number' },
  { key: 'weight', label: 'Weight', kind: 'number' },
  { key: 'education', label: 'Education (years)', kind: 'number' },
  { key: 'ses', label: 'Socio-economic status', kind: 'number' },
  { key: 'src', label: 'Recruitment source' },
  { key: 'note', label: 'Notes', kind: 'text' },
];

export interface SubjectDetail {
  readonly id: string;
  readonly label: string;
  readonly ownerProject: string;
  readonly fields: Readonly<Record<string, string>>;
}

export async function getSubject(project: string, subject: string, signal?: AbortSignal): Promise<SubjectDetail> {
  const item = await getItem(`/data/projects/${enc(project)}/subjects/${enc(subject)}`, {}, signal);
  return { id: item.fields.ID ?? '', label: item.fields.label ?? '', ownerProject: item.fields.project ?? '', fields: item.fields };
}

/** Creates a subject; a label already used in the project is refused (409 "Subject already exists."). */
export async function createSubject(project: string, label: string, fields: Record<string, string> = {}): Promise<void> {
  await call('POST', `/data/projects/${enc(project)}/subjects`, { query: { ...fields, label } });
}

/** Sets (or, with an empty value, clears) descriptive fields. */
export async function updateSubject(project: string, subject: string, fields: Record<string, string>): Promise<void> {
  await call('PUT', `/data/projects/${enc(project)}/subjects/${enc(subject)}`, { query: fields });
}
