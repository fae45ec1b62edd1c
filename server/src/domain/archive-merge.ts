import { fileMerge } from './merge-rules.js';
import type { Overwrite } from './prearchive.js';

/**
 * What archiving a prearchive session into a project does when the project may already hold a session
 * of that label (xnat-api.md §8.3, issue rules): no session → everything is new; a session of the same
 * label merges only with overwrite=append|delete, only when it belongs to the same subject, has the same
 * type and the same StudyInstanceUID (a different UID is refused whatever `overwrite` says, so two studies
 * are never mixed). Within a merge, a series already there takes the new instances; an instance whose
 * bytes differ from the stored one is replaced only with overwrite=delete; a new series whose number is
 * taken by another series gets the next free `{number}-{n}`.
 */
export interface FileFacts {
  readonly name: string;
  readonly size: number;
  readonly md5: string;
}

export interface ScanFacts {
  readonly scanId: string;
  readonly seriesUid: string;
  readonly files: readonly FileFacts[];
}

export interface IncomingSession {
  readonly label: string;
  readonly xsiType: string;
  readonly studyUid: string;
  readonly scans: readonly ScanFacts[];
}

export interface ExistingSession {
  readonly label: string;
  readonly xsiType: string;
  readonly studyUid: string;
  readonly subjectId: string;
  readonly subjectLabel: string;
  readonly isAssessor: boolean;
  readonly isShared: boolean;
  readonly ownerProject: string;
  readonly scans: readonly ScanFacts[];
}

export interface ScanStep {
  /** The scan as the prearchive names it. */
  readonly from: string;
  /** The scan it becomes in the archive. */
  readonly to: string;
  readonly kind: 'new' | 'merge';
  /** Files to add (new names) and to replace (same name, other bytes). */
  readonly add: readonly string[];
  readonly replace: readonly string[];
  /** Files already archived with the same bytes. */
  readonly same: number;
}

export type MergePlan =
  | { readonly ok: true; readonly merge: boolean; readonly steps: readonly ScanStep[] }
  | { readonly ok: false; readonly message: string };

export function planArchive(project: string, incoming: IncomingSession, existing: ExistingSession | undefined, destSubjectId: string | undefined, overwrite: Overwrite): MergePlan {
  if (!existing) {
    return { ok: true, merge: false, steps: incoming.scans.map((s) => ({ from: s.scanId, to: s.scanId, kind: 'new', add: s.files.map((f) => f.name), replace: [], same: 0 })) };
  }
  const where = `project ${project}`;
  if (existing.isShared) return { ok: false, message: `Session ${incoming.label} in ${where} is shared in from project ${existing.ownerProject} and cannot be changed here; choose another label` };
  if (existing.isAssessor) return { ok: false, message: `${incoming.label} in ${where} is an assessor, not an image session; choose another label` };
  if (existing.studyUid !== incoming.studyUid) {
    return { ok: false, message: `Session ${incoming.label} in ${where} holds another study (StudyInstanceUID ${existing.studyUid || 'none'}); this upload has StudyInstanceUID ${incoming.studyUid}. Archive it under another label.` };
  }
  if (destSubjectId !== undefined && existing.subjectId !== destSubjectId) {
    return { ok: false, message: `Session ${incoming.label} in ${where} belongs to subject ${existing.subjectLabel}; a session cannot move to a different subject by archiving` };
  }
  if (existing.xsiType !== incoming.xsiType) {
    return { ok: false, message: `Session ${incoming.label} in ${where} is a ${existing.xsiType}, this upload a ${incoming.xsiType}; data of another modality needs its own session` };
  }
  if (overwrite === 'none') {
    return { ok: false, message: `Session ${incoming.label} already exists in ${where}; retry with overwrite=append to merge the new scans into it` };
  }
  const taken = new Set(existing.scans.map((s) => s.scanId));
  const steps: ScanStep[] = [];
  const conflicts: string[] = [];
  for (const scan of incoming.scans) {
    const match = existing.scans.find((s) => s.seriesUid && s.seriesUid === scan.seriesUid);
    if (!match) {
      let to = scan.scanId;
      for (let n = 2; taken.has(to); n++) to = `${scan.scanId}-${n}`;
      taken.add(to);
      steps.push({ from: scan.scanId, to, kind: 'new', add: scan.files.map((f) => f.name), replace: [], same: 0 });
      continue;
    }
    const stored = new Map(match.files.map((f) => [f.name, f]));
    const add: string[] = [];
    const replace: string[] = [];
    let same = 0;
    for (const f of scan.files) {
      const verdict = fileMerge(f, stored.get(f.name));
      if (verdict === 'copy') add.push(f.name);
      else if (verdict === 'same') same++;
      else replace.push(f.name);
    }
    if (replace.length > 0 && overwrite !== 'delete') {
      conflicts.push(`scan ${match.scanId} has ${replace.length} file(s) whose content differs from the archived ones (for example ${replace[0]})`);
    }
    steps.push({ from: scan.scanId, to: match.scanId, kind: 'merge', add, replace, same });
  }
  if (conflicts.length > 0) return { ok: false, message: `Cannot merge into session ${incoming.label} in ${where}: ${conflicts.join('; ')}. Retry with overwrite=delete to replace them.` };
  return { ok: true, merge: true, steps };
}
