import { HttpError, type XnatClient } from '../client/xnat-client.js';
import { mapped, type LabelMap } from './label-map.js';
import type { SourceSession } from './source-session.js';

export type SessionState = 'new' | 'merge' | 'conflict';

export interface SessionPlan {
  readonly source: SourceSession;
  readonly destSubject: string;
  readonly destLabel: string;
  readonly state: SessionState;
  /** Why a session conflicts, or what a merge adds to. */
  readonly note?: string;
  readonly existingId?: string;
  readonly subjectExists: boolean;
}

export interface TransferPlan {
  readonly sessions: readonly SessionPlan[];
  /** Reasons the transfer cannot run at all (access, missing project). */
  readonly blockers: readonly string[];
}

/**
 * The pre-transfer checklist of the seed documents, against the destination: the project exists and
 * the user may add data there, and each session's new label is free (or, with `merge`, belongs to the
 * same subject so new scans and files are added to it).
 */
export async function planTransfer(dest: XnatClient, project: string, sources: readonly SourceSession[], map: LabelMap, merge: boolean): Promise<TransferPlan> {
  const blockers: string[] = [];
  const p = encodeURIComponent(project);
  try {
    await dest.request('GET', `/data/projects/${p}`, { query: { format: 'json' } });
  } catch (e) {
    if (e instanceof HttpError && (e.status === 404 || e.status === 403)) {
      return { sessions: [], blockers: [`Project ${project} does not exist on ${dest.base}, or you cannot see it`] };
    }
    throw e;
  }
  const writable = (await dest.rowsOrNone('/data/projects', { permissions: 'create' })).map((r) => r.id ?? r.ID);
  if (!writable.includes(project)) blockers.push(`You cannot add data to project ${project} on ${dest.base} (members and owners can)`);
  const existing = new Map((await dest.rowsOrNone(`/data/projects/${p}/experiments`, { columns: 'ID,label,subject_label' })).map((r) => [r.label ?? '', { id: r.ID ?? '', subject: r.subject_label ?? '' }]));
  const subjects = new Set((await dest.rowsOrNone(`/data/projects/${p}/subjects`, { columns: 'ID,label' })).map((r) => r.label ?? ''));
  const taken = new Map<string, string>();
  const sessions = sources.map((source): SessionPlan => {
    const destLabel = mapped(map.sessions, source.label);
    const destSubject = mapped(map.subjects, source.subject);
    const subjectExists = subjects.has(destSubject);
    const twin = taken.get(destLabel);
    taken.set(destLabel, source.label);
    if (twin !== undefined) return { source, destLabel, destSubject, subjectExists, state: 'conflict', note: `${twin} and ${source.label} would both become ${destLabel}` };
    const found = existing.get(destLabel);
    if (!found) return { source, destLabel, destSubject, subjectExists, state: 'new' };
    if (found.subject && found.subject !== destSubject) {
      return { source, destLabel, destSubject, subjectExists, state: 'conflict', existingId: found.id, note: `${destLabel} already exists in ${project} under subject ${found.subject}, not ${destSubject}` };
    }
    return merge
      ? { source, destLabel, destSubject, subjectExists, state: 'merge', existingId: found.id, note: `adds to the existing session ${destLabel}` }
      : { source, destLabel, destSubject, subjectExists, state: 'conflict', existingId: found.id, note: `${destLabel} already exists in ${project} (add --merge to add the missing scans and files to it)` };
  });
  return { sessions, blockers };
}
