import type { Db } from '../../db/database.js';
import type { Experiment, Resource, ResourceFile, ResourceOwner, Scan, Subject } from '../../domain/entities.js';
import { fileMerge, scanMerge, sessionMerge } from '../../domain/merge-rules.js';
import { selectScans } from '../../domain/scan-selector.js';
import type { ExperimentCheck, SelectedExperiment, SelectedSubject, TransferProblem } from '../../domain/transfer.js';
import { findExperimentById } from '../../repositories/experiment.repository.js';
import { findResource, listFiles, listResources, listResourcesOfExperiment } from '../../repositories/resource.repository.js';
import { findScan, listScans } from '../../repositories/scan.repository.js';
import { experimentLabelHolder, findExperimentPlace, findSubjectPlace, subjectLabelHolder } from '../../repositories/sharing.repository.js';
import { findSubjectById } from '../../repositories/subject.repository.js';

/** Where copied data lands: something new, or something the destination already has (a merge). */
export type Target<T> = { readonly kind: 'new' } | { readonly kind: 'existing'; readonly item: T };

export interface ResourcePlan {
  readonly source: Resource;
  readonly target: Target<Resource>;
  /** Source files to copy (new paths). */
  readonly copy: readonly ResourceFile[];
  /** Every source file of the resource (what verification expects to find). */
  readonly all: readonly ResourceFile[];
  /** Files the destination already has with the same content. */
  readonly same: number;
}

export interface ScanPlan {
  readonly scan: Scan;
  readonly target: Target<Scan>;
  readonly resources: readonly ResourcePlan[];
}

export interface AssessorPlan {
  readonly source: Experiment;
  readonly destLabel: string;
  readonly resources: readonly ResourcePlan[];
}

export interface ExperimentPlan {
  readonly sel: SelectedExperiment;
  readonly source: Experiment;
  readonly target: Target<Experiment>;
  readonly resources: readonly ResourcePlan[];
  readonly scans: readonly ScanPlan[];
  readonly assessors: readonly AssessorPlan[];
  readonly uid: ExperimentCheck['studyInstanceUid'];
  readonly problems: readonly TransferProblem[];
}

export interface SubjectPlan {
  readonly sel: SelectedSubject;
  readonly source: Subject;
  /** shared: the very same subject is already shared into the destination; its experiments may join it there. */
  readonly target: Target<Subject> | { readonly kind: 'shared'; readonly item: Subject };
  readonly resources: readonly ResourcePlan[];
  readonly problems: readonly TransferProblem[];
  readonly warnings: readonly string[];
}

/** Only resources whose label is listed (null: all). */
export type ResourceFilter = readonly string[] | null;

const keep = (filter: ResourceFilter) => (r: Resource) => filter === null || filter.includes(r.label);

/**
 * Decides, for one subject, whether the destination gets a new subject or sessions join the one it
 * already has under that label. Subject fields of an existing subject are never overwritten.
 */
export async function planSubject(db: Db, dest: string, sel: SelectedSubject, filter: ResourceFilter): Promise<SubjectPlan> {
  const source = await findSubjectById(db, sel.id);
  if (!source) throw new Error(`subject ${sel.id} vanished`);
  const problems: TransferProblem[] = [];
  const warnings: string[] = [];
  const item = `subject ${sel.sourceLabel}`;
  let target: SubjectPlan['target'] = { kind: 'new' };
  const holder = await subjectLabelHolder(db, dest, sel.destLabel);
  if (holder !== undefined) {
    const place = await findSubjectPlace(db, holder, dest);
    const existing = await findSubjectById(db, holder);
    if (existing && place && !place.isShared) target = { kind: 'existing', item: existing };
    else if (existing && holder === sel.id) target = { kind: 'shared', item: existing };
    else problems.push({ kind: 'label', item, message: `Subject label ${sel.destLabel} in project ${dest} belongs to a subject shared from project ${existing?.projectId}; map ${sel.sourceLabel} to another label` });
  }
  let resources: ResourcePlan[] = [];
  if (sel.whole) {
    const sources = (await listResources(db, { kind: 'subject', subjectId: sel.id })).filter(keep(filter));
    if (target.kind === 'shared') {
      if (sources.some((r) => r.fileCount > 0)) warnings.push(`Subject ${sel.sourceLabel} is already shared into project ${dest}, so its subject-level resources are not copied (they are visible there already)`);
    } else {
      resources = await planResources(db, sources, target.kind === 'existing' ? { kind: 'subject', subjectId: target.item.id } : undefined, item, problems);
    }
  }
  return { sel, source, target, resources, problems, warnings };
}

/**
 * Decides, for one session (or subject assessor), whether it is created in the destination or
 * merged into the session of the same label there, per the merge rules; lists the files to copy and
 * every reason it cannot go ahead. `destSubjectId` is the destination subject it will be filed
 * under (undefined when that subject does not exist yet).
 */
export async function planExperiment(db: Db, dest: string, sel: SelectedExperiment, destSubjectId: string | undefined, filter: ResourceFilter): Promise<ExperimentPlan> {
  const source = await findExperimentById(db, sel.id);
  if (!source) throw new Error(`experiment ${sel.id} vanished`);
  const problems: TransferProblem[] = [];
  const item = `experiment ${sel.sourceLabel}`;
  let target: Target<Experiment> = { kind: 'new' };
  let uid: ExperimentPlan['uid'] = null;
  const holder = await experimentLabelHolder(db, dest, sel.destLabel);
  if (holder !== undefined) {
    const place = await findExperimentPlace(db, holder, dest);
    const existing = await findExperimentById(db, holder);
    if (!existing || !place || place.isShared) {
      problems.push({ kind: 'label', item, message: `Experiment label ${sel.destLabel} in project ${dest} belongs to an experiment shared from project ${existing?.projectId}; map ${sel.sourceLabel} to another label` });
    } else {
      uid = { source: source.fields.UID ?? '', destination: existing.fields.UID ?? '', agree: !!source.fields.UID && source.fields.UID === existing.fields.UID };
      const verdict = sessionMerge(facts(source), facts(existing), destSubjectId);
      if (verdict.ok) target = { kind: 'existing', item: existing };
      else problems.push({ kind: verdict.kind, item, message: verdict.message });
    }
  }
  const destExperimentId = target.kind === 'existing' ? target.item.id : undefined;
  const all = await listResourcesOfExperiment(db, sel.id);
  const ownResources = all.filter((r) => r.owner.kind === 'experiment').filter(keep(filter));
  const resources = await planResources(db, ownResources, destExperimentId ? { kind: 'experiment', experimentId: destExperimentId } : undefined, item, problems);
  const scans: ScanPlan[] = [];
  const chosen = selectScans(await listScans(db, sel.id), sel.scanSelector ?? 'ALL');
  if (sel.scanSelector !== null && chosen.length === 0) problems.push({ kind: 'scan', item, message: `No scan of ${sel.sourceLabel} matches '${sel.scanSelector}'` });
  for (const scan of chosen) {
    const scanItem = `scan ${scan.scanId} of ${sel.sourceLabel}`;
    const existing = destExperimentId ? await findScan(db, destExperimentId, scan.scanId) : undefined;
    let scanTarget: Target<Scan> = { kind: 'new' };
    if (existing) {
      const verdict = scanMerge(scan.scanId, scan.fields.UID, existing.fields.UID);
      if (verdict.ok) scanTarget = { kind: 'existing', item: existing };
      else problems.push({ kind: 'scan', item: scanItem, message: verdict.message });
    }
    const scanResources = all.filter((r) => r.owner.kind === 'scan' && r.owner.scanPk === scan.pk).filter(keep(filter));
    const owner: ResourceOwner | undefined = scanTarget.kind === 'existing' ? { kind: 'scan', experimentId: destExperimentId as string, scanPk: scanTarget.item.pk } : undefined;
    scans.push({ scan, target: scanTarget, resources: await planResources(db, scanResources, owner, scanItem, problems) });
  }
  const assessors: AssessorPlan[] = [];
  for (const a of sel.assessors) {
    const assessor = await findExperimentById(db, a.id);
    if (!assessor) continue;
    if ((await experimentLabelHolder(db, dest, a.destLabel)) !== undefined) {
      problems.push({ kind: 'label', item: `assessor ${a.sourceLabel}`, message: `Label ${a.destLabel} is already used in project ${dest} (assessors are never merged); map ${a.sourceLabel} to another label` });
    }
    const aResources = (await listResourcesOfExperiment(db, a.id)).filter(keep(filter));
    assessors.push({ source: assessor, destLabel: a.destLabel, resources: await planResources(db, aResources, undefined, `assessor ${a.sourceLabel}`, problems) });
  }
  return { sel, source, target, resources, scans, assessors, uid, problems };
}

async function planResources(db: Db, sources: readonly Resource[], destOwner: ResourceOwner | undefined, item: string, problems: TransferProblem[]): Promise<ResourcePlan[]> {
  const out: ResourcePlan[] = [];
  for (const source of sources) {
    const files = await listFiles(db, source.id);
    const existing = destOwner ? await findResource(db, destOwner, source.label) : undefined;
    if (!existing) {
      out.push({ source, target: { kind: 'new' }, copy: files, all: files, same: 0 });
      continue;
    }
    const there = new Map((await listFiles(db, existing.id)).map((f) => [f.path, f]));
    const copy: ResourceFile[] = [];
    let same = 0;
    for (const f of files) {
      const verdict = fileMerge(f, there.get(f.path));
      if (verdict === 'copy') copy.push(f);
      else if (verdict === 'same') same++;
      else problems.push({ kind: 'file', item, message: `Resource ${source.label} in the destination already has ${f.path} with other content` });
    }
    out.push({ source, target: { kind: 'existing', item: existing }, copy, all: files, same });
  }
  return out;
}

function facts(e: Experiment) {
  return { label: e.label, xsiType: e.xsiType, studyInstanceUid: e.fields.UID, subjectId: e.subjectId, isAssessor: e.imageSessionId !== null };
}

/** Bytes of the files a resource plan copies. */
export function bytesToCopy(plan: ResourcePlan): number {
  return plan.copy.reduce((n, f) => n + f.size, 0);
}

/** Every resource plan of an experiment plan (its own, its scans', its assessors'). */
export function resourcePlansOf(plan: ExperimentPlan): ResourcePlan[] {
  return [...plan.resources, ...plan.scans.flatMap((s) => s.resources), ...plan.assessors.flatMap((a) => a.resources)];
}
