import type { Db } from '../../db/database.js';
import { conflict, invalidInput, notFound } from '../../domain/errors.js';
import { checkLabel } from '../../domain/names.js';
import type { SelectedExperiment, SelectedSubject, TransferRequest, TransferSelection } from '../../domain/transfer.js';
import { findExperimentInProject } from '../../repositories/experiment.repository.js';
import { findSubjectPlace, listAssessorsIn, listSubjectExperimentsIn, listSubjectsHeldBy } from '../../repositories/sharing.repository.js';
import { findSubjectInProject } from '../../repositories/subject.repository.js';

/** A label map keyed by source label or ID; remembers which keys were used so unknown ones can be reported. */
class LabelMap {
  private readonly used = new Set<string>();

  constructor(private readonly map: Readonly<Record<string, string>>, private readonly kind: 'subject label' | 'experiment label' | 'assessor label') {}

  destLabel(label: string, id: string): string {
    for (const key of [label, id]) {
      if (Object.hasOwn(this.map, key)) {
        this.used.add(key);
        return checkLabel(this.kind, this.map[key] as string);
      }
    }
    return label;
  }

  unused(): string[] {
    return Object.keys(this.map).filter((k) => !this.used.has(k));
  }
}

/**
 * Resolves what a request names in the source project into IDs, with the label each item will have
 * in the destination. Unknown items are 404; label-map or scan entries that match nothing are 400,
 * since a typo there would silently keep a label the user meant to change.
 */
export async function resolveSelection(db: Db, sourceId: string, req: TransferRequest): Promise<TransferSelection> {
  const subjectLabels = new LabelMap(req.subjectLabels, 'subject label');
  const experimentLabels = new LabelMap(req.experimentLabels, 'experiment label');
  const scanKeys = new Set(Object.keys(req.scans));
  const subjects = new Map<string, SelectedSubject>();
  const experiments = new Map<string, SelectedExperiment>();

  const addSubject = async (id: string, whole: boolean) => {
    const place = await findSubjectPlace(db, id, sourceId);
    if (!place) throw conflict(`Subject ${id} is not in project ${sourceId}`);
    const known = subjects.get(id);
    subjects.set(id, {
      id, sourceLabel: place.label, destLabel: known?.destLabel ?? subjectLabels.destLabel(place.label, id),
      whole: whole || (known?.whole ?? false), sharedInSource: place.isShared,
    });
  };
  const addExperiment = async (e: { id: string; label: string; isShared: boolean; subjectId: string }) => {
    if (experiments.has(e.id)) return;
    const scanSelector = takeScanSelector(req.scans, scanKeys, e.label, e.id);
    const assessors = req.includeAssessors
      ? (await listAssessorsIn(db, e.id, sourceId)).map((a) => ({ id: a.id, sourceLabel: a.label, destLabel: experimentLabels.destLabel(a.label, a.id) }))
      : [];
    experiments.set(e.id, {
      id: e.id, sourceLabel: e.label, destLabel: experimentLabels.destLabel(e.label, e.id), subjectId: e.subjectId,
      scanSelector, assessors, sharedInSource: e.isShared,
    });
  };
  const addWholeSubject = async (id: string) => {
    await addSubject(id, true);
    for (const e of await listSubjectExperimentsIn(db, id, sourceId)) {
      if (e.imageSessionId === null) await addExperiment({ id: e.id, label: e.label, isShared: e.isShared, subjectId: id });
    }
  };

  if (req.all) for (const s of await listSubjectsHeldBy(db, sourceId)) await addWholeSubject(s.id);
  for (const key of req.subjects) {
    const found = await findSubjectInProject(db, sourceId, key);
    if (!found) throw notFound(`No subject ${key} in project ${sourceId}`);
    await addWholeSubject(found.item.id);
  }
  for (const key of req.experiments) {
    const found = await findExperimentInProject(db, sourceId, key, 'labelFirst');
    if (!found) throw notFound(`No experiment ${key} in project ${sourceId}`);
    if (found.item.imageSessionId) throw invalidInput(`${key} is an assessor: assessors are transferred with their session`);
    if (!subjects.has(found.item.subjectId)) await addSubject(found.item.subjectId, false);
    await addExperiment({ id: found.item.id, label: found.label, isShared: found.isShared, subjectId: found.item.subjectId });
  }
  if (subjects.size === 0) throw invalidInput(`Nothing to transfer: project ${sourceId} has no such data (name subjects, experiments, or set all)`);
  const unused = [...subjectLabels.unused().map((k) => `subjectLabels.${k}`), ...experimentLabels.unused().map((k) => `experimentLabels.${k}`), ...[...scanKeys].map((k) => `scans.${k}`)];
  if (unused.length > 0) throw invalidInput(`These entries name nothing being transferred: ${unused.join(', ')}`);
  return { subjects: [...subjects.values()], experiments: [...experiments.values()] };
}

function takeScanSelector(scans: Readonly<Record<string, string>>, keys: Set<string>, label: string, id: string): string | null {
  for (const key of [label, id]) {
    if (Object.hasOwn(scans, key)) {
      keys.delete(key);
      return scans[key] as string;
    }
  }
  return null;
}
