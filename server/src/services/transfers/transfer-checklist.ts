import type { FileStore } from '../../archive/file-store.js';
import type { Db } from '../../db/database.js';
import { hasRight } from '../../domain/access.js';
import type {
  ExperimentCheck, ProjectAccessCheck, SubjectCheck, TransferChecklist, TransferProblem, TransferRequest, TransferSelection, TransferTotals,
} from '../../domain/transfer.js';
import { findExperimentById, listAssessorIdsOf, listExperimentProjects } from '../../repositories/experiment.repository.js';
import { listSubjectProjects } from '../../repositories/subject.repository.js';
import type { ProjectGrant } from '../access.service.js';
import { foreignExperimentsOf } from '../data-deletion.js';
import { bytesToCopy, planExperiment, planSubject, resourcePlansOf, type ExperimentPlan, type ResourcePlan, type SubjectPlan } from './transfer-plan.js';

export interface ChecklistInput {
  readonly source: ProjectGrant;
  readonly destination: ProjectGrant;
  readonly request: TransferRequest;
  readonly selection: TransferSelection;
  /** Hard links allowed by configuration. */
  readonly links: boolean;
}

/**
 * The seeds' pre-transfer checklist, answered from the database: access in both projects, what
 * would be created and what would merge (with the StudyInstanceUID check), label conflicts,
 * the destination's settings, sizes and disk space. Every problem is listed, not just the first.
 */
export async function buildChecklist(db: Db, store: FileStore, input: ChecklistInput): Promise<TransferChecklist> {
  const { source, destination: dest, request, selection } = input;
  const problems: TransferProblem[] = [];
  const warnings: string[] = [];
  const access = { source: accessCheck(source), destination: { ...accessCheck(dest), createSubjects: hasRight(dest.access, 'manage') || (hasRight(dest.access, 'create') && dest.project.allowSubjectCreation) } };
  if (!access.destination.write) problems.push({ kind: 'access', item: `project ${dest.project.id}`, message: `You need write access (Member or Owner) in project ${dest.project.id}` });
  if (request.mode === 'move' && !access.source.delete) problems.push({ kind: 'access', item: `project ${source.project.id}`, message: `A move deletes the data from project ${source.project.id} afterwards: you need owner rights there` });
  if (dest.project.prearchiveCode === 0) warnings.push(`Project ${dest.project.id} sends uploads to its prearchive; transfers are archived directly, since the source data is already archived`);

  const subjectPlans = new Map<string, SubjectPlan>();
  for (const sel of selection.subjects) {
    const plan = await planSubject(db, dest.project.id, sel, request.resources);
    subjectPlans.set(sel.id, plan);
    problems.push(...plan.problems);
    warnings.push(...plan.warnings);
    if (plan.target.kind === 'existing') warnings.push(`Subject ${sel.sourceLabel} joins the existing subject ${sel.destLabel} of project ${dest.project.id}; its fields there are kept as they are`);
    if (plan.target.kind === 'shared' && request.mode === 'move') {
      problems.push({ kind: 'ownership', item: `subject ${sel.sourceLabel}`, message: `Subject ${sel.sourceLabel} is already shared into ${dest.project.id}: a move would delete it there too; copy it, or change its owner instead` });
    }
    if (plan.target.kind === 'new' && !access.destination.createSubjects) {
      problems.push({ kind: 'setting', item: `subject ${sel.sourceLabel}`, message: `Project ${dest.project.id} does not let you create subjects (${sel.destLabel} would be new); ask an owner to create it or to allow subject creation` });
    }
  }
  const experimentPlans: ExperimentPlan[] = [];
  for (const sel of selection.experiments) {
    const subject = subjectPlans.get(sel.subjectId);
    const destSubjectId = subject && subject.target.kind !== 'new' ? subject.target.item.id : undefined;
    const plan = await planExperiment(db, dest.project.id, sel, destSubjectId, request.resources);
    experimentPlans.push(plan);
    problems.push(...plan.problems);
  }
  problems.push(...duplicateLabels(selection));
  if (request.mode === 'move') await moveChecks(db, source.project.id, selection, problems, warnings);

  const totals = totalsOf([...subjectPlans.values()], experimentPlans);
  const canLink = input.links && (await store.supportsHardLinks());
  const bytesNeeded = canLink ? 0 : totals.bytes;
  const bytesFree = await store.freeBytes();
  const storage = { method: canLink ? 'hardlink' as const : 'copy' as const, bytesNeeded, bytesFree, enough: bytesNeeded < bytesFree };
  if (!storage.enough) problems.push({ kind: 'storage', item: 'archive disk', message: `The copy needs ${bytesNeeded} bytes and the archive disk has ${bytesFree} free` });

  return {
    ok: problems.length === 0, mode: request.mode, access,
    destinationSettings: {
      prearchiveCode: dest.project.prearchiveCode, uploadsGoTo: dest.project.prearchiveCode === 0 ? 'prearchive' : 'archive', transfersGoTo: 'archive',
      quarantineCode: dest.project.quarantineCode, allowSubjectCreation: dest.project.allowSubjectCreation,
    },
    subjects: [...subjectPlans.values()].map(subjectCheck),
    experiments: experimentPlans.map((p) => experimentCheck(p, selection)),
    problems, warnings, totals, storage,
  };
}

function accessCheck(grant: ProjectGrant): ProjectAccessCheck {
  return { project: grant.project.id, role: grant.access, read: hasRight(grant.access, 'read'), write: hasRight(grant.access, 'create'), delete: hasRight(grant.access, 'delete') };
}

/** Two items may not end up with the same label in the destination. */
function duplicateLabels(selection: TransferSelection): TransferProblem[] {
  const out: TransferProblem[] = [];
  const seen = new Map<string, string>();
  const check = (kind: string, label: string, from: string) => {
    const key = `${kind}:${label}`;
    const other = seen.get(key);
    if (other !== undefined) out.push({ kind: 'label', item: `${kind === 's' ? 'subject' : 'experiment'} ${from}`, message: `${from} and ${other} would both be labelled ${label} in the destination` });
    else seen.set(key, from);
  };
  for (const s of selection.subjects) check('s', s.destLabel, s.sourceLabel);
  for (const e of selection.experiments) {
    check('e', e.destLabel, e.sourceLabel);
    for (const a of e.assessors) check('e', a.destLabel, a.sourceLabel);
  }
  return out;
}

/**
 * A move deletes the source afterwards, so it may only take what the source owns, and only whole
 * items: nothing owned by another project may hang below them.
 */
async function moveChecks(db: Db, sourceId: string, selection: TransferSelection, problems: TransferProblem[], warnings: string[]): Promise<void> {
  for (const s of selection.subjects) {
    if (s.sharedInSource) problems.push({ kind: 'ownership', item: `subject ${s.sourceLabel}`, message: `Subject ${s.sourceLabel} is shared into ${sourceId} from another project: only its owner can move it (copy it instead)` });
    if (!s.whole) continue;
    const foreign = await foreignExperimentsOf(db, s.id, sourceId);
    if (foreign.length > 0) problems.push({ kind: 'ownership', item: `subject ${s.sourceLabel}`, message: `Subject ${s.sourceLabel} has experiments owned by project ${foreign[0]!.projectId} (${foreign.map((f) => f.id).join(', ')}); they would lose their subject` });
    const shares = (await listSubjectProjects(db, s.id)).filter((p) => p.isShared);
    if (shares.length > 0) warnings.push(`Subject ${s.sourceLabel} is shared into ${shares.map((p) => p.projectId).join(', ')}; those shares end when the source is deleted (the copy is not shared)`);
  }
  for (const e of selection.experiments) {
    if (e.sharedInSource) problems.push({ kind: 'ownership', item: `experiment ${e.sourceLabel}`, message: `Experiment ${e.sourceLabel} is shared into ${sourceId} from another project: only its owner can move it (copy it instead)` });
    const foreign = [];
    for (const id of await listAssessorIdsOf(db, e.id)) {
      const a = await findExperimentById(db, id);
      if (a && a.projectId !== sourceId) foreign.push(a);
    }
    if (foreign.length > 0) problems.push({ kind: 'ownership', item: `experiment ${e.sourceLabel}`, message: `Session ${e.sourceLabel} has assessors owned by project ${foreign[0]!.projectId} (${foreign.map((a) => a.id).join(', ')}); deleting the source would delete them` });
    const shares = (await listExperimentProjects(db, e.id)).filter((p) => p.isShared);
    if (shares.length > 0) warnings.push(`Experiment ${e.sourceLabel} is shared into ${shares.map((p) => p.projectId).join(', ')}; those shares end when the source is deleted (the copy is not shared)`);
  }
}

function sum(plans: readonly ResourcePlan[], f: (p: ResourcePlan) => number): number {
  return plans.reduce((n, p) => n + f(p), 0);
}

function totalsOf(subjects: readonly SubjectPlan[], experiments: readonly ExperimentPlan[]): TransferTotals {
  const resources = [...subjects.flatMap((s) => s.resources), ...experiments.flatMap(resourcePlansOf)];
  return {
    subjects: subjects.length,
    experiments: experiments.length,
    assessors: experiments.reduce((n, e) => n + e.assessors.length, 0),
    scans: experiments.reduce((n, e) => n + e.scans.length, 0),
    resources: resources.length,
    files: sum(resources, (r) => r.copy.length),
    bytes: sum(resources, bytesToCopy),
    filesAlreadyThere: sum(resources, (r) => r.same),
  };
}

function subjectCheck(p: SubjectPlan): SubjectCheck {
  return {
    sourceId: p.sel.id, sourceLabel: p.sel.sourceLabel, destLabel: p.sel.destLabel,
    action: p.target.kind === 'new' ? 'create' : p.target.kind === 'existing' ? 'merge' : 'use-shared',
    destId: p.target.kind === 'new' ? null : p.target.item.id,
    resources: p.resources.length, files: sum(p.resources, (r) => r.copy.length), bytes: sum(p.resources, bytesToCopy),
  };
}

function experimentCheck(p: ExperimentPlan, selection: TransferSelection): ExperimentCheck {
  const resources = resourcePlansOf(p);
  return {
    sourceId: p.sel.id, sourceLabel: p.sel.sourceLabel, destLabel: p.sel.destLabel,
    destSubjectLabel: selection.subjects.find((s) => s.id === p.sel.subjectId)?.destLabel ?? '',
    xsiType: p.source.xsiType, action: p.target.kind === 'new' ? 'create' : 'merge', destId: p.target.kind === 'new' ? null : p.target.item.id,
    studyInstanceUid: p.uid,
    scans: p.scans.map((s) => ({ id: s.scan.scanId, action: s.target.kind === 'new' ? 'create' : 'merge' })),
    assessors: p.assessors.map((a) => ({ sourceLabel: a.source.label, destLabel: a.destLabel })),
    resources: resources.length, files: sum(resources, (r) => r.copy.length), bytes: sum(resources, bytesToCopy),
    filesAlreadyThere: sum(resources, (r) => r.same),
  };
}
