/**
 * When copied data may join data the destination already has (the ingest rules XNAT applies on
 * upload, xnat-api.md §7-8, kept small for transfers): a session merges into an existing session of
 * the same label only when both carry the same StudyInstanceUID; a scan merges into a scan of the
 * same ID only when both carry the same SeriesInstanceUID; a file joins a resource only when the
 * path is new, or holds exactly the same bytes already.
 */
export type Verdict = { readonly ok: true } | { readonly ok: false; readonly kind: 'label' | 'type' | 'uid' | 'scan'; readonly message: string };

const OK: Verdict = { ok: true };

export interface SessionFacts {
  readonly label: string;
  readonly xsiType: string;
  readonly studyInstanceUid: string | undefined;
  readonly subjectId: string;
  readonly isAssessor: boolean;
}

/** May the copied session `source` merge into the destination's session `dest` filed under `destSubjectId`? */
export function sessionMerge(source: SessionFacts, dest: SessionFacts, destSubjectId: string | undefined): Verdict {
  if (dest.isAssessor) return { ok: false, kind: 'label', message: `${dest.label} is an assessor in the destination` };
  if (destSubjectId === undefined || dest.subjectId !== destSubjectId) {
    return { ok: false, kind: 'label', message: `The destination already has an experiment ${dest.label} under another subject` };
  }
  if (dest.xsiType !== source.xsiType) return { ok: false, kind: 'type', message: `The destination's ${dest.label} is a ${dest.xsiType}, the source's ${source.label} a ${source.xsiType}` };
  const a = source.studyInstanceUid ?? '';
  const b = dest.studyInstanceUid ?? '';
  if (!a || !b) return { ok: false, kind: 'uid', message: `Cannot merge into the destination's ${dest.label}: without a StudyInstanceUID on both sides there is no proof they are the same study; choose another label` };
  if (a !== b) return { ok: false, kind: 'uid', message: `The destination's ${dest.label} is another study (StudyInstanceUID ${b}, the source has ${a}); choose another label` };
  return OK;
}

export function scanMerge(scanId: string, sourceSeriesUid: string | undefined, destSeriesUid: string | undefined): Verdict {
  const a = sourceSeriesUid ?? '';
  const b = destSeriesUid ?? '';
  if (a && a === b) return OK;
  return { ok: false, kind: 'scan', message: `Scan ${scanId} exists in the destination session ${a && b ? `with another SeriesInstanceUID (${b})` : 'and the SeriesInstanceUIDs cannot be compared'}` };
}

export type FileVerdict = 'copy' | 'same' | 'conflict';

export function fileMerge(source: { size: number; md5: string }, dest: { size: number; md5: string } | undefined): FileVerdict {
  if (!dest) return 'copy';
  return dest.size === source.size && dest.md5 === source.md5 ? 'same' : 'conflict';
}
