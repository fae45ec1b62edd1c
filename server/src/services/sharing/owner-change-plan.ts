import type { FileStore } from '../../archive/file-store.js';
import { assessorResourceDir, experimentResourceDir, scanResourceDir, subjectResourceDir } from '../../archive/layout.js';
import type { Db } from '../../db/database.js';
import type { Resource, ResourceFile } from '../../domain/entities.js';
import { conflict } from '../../domain/errors.js';
import { findExperimentById } from '../../repositories/experiment.repository.js';
import { listFiles, listResources, listResourcesOfExperiment } from '../../repositories/resource.repository.js';
import { findScanByPk } from '../../repositories/scan.repository.js';
import {
  experimentLabelHolder, findExperimentPlace, findSubjectPlace, listAssessorsIn, listSubjectExperimentsIn, resourceFingerprint, subjectLabelHolder,
} from '../../repositories/sharing.repository.js';
import { DirChooser } from './dir-chooser.js';
import type { ShareItem } from './share-target.js';

/** A subject or experiment whose owner changes, with its label before and after. */
export interface MovingItem {
  readonly kind: 'subject' | 'experiment';
  readonly id: string;
  readonly fromLabel: string;
  readonly toLabel: string;
  /** For image assessors: their session. */
  readonly sessionId: string | null;
}

/** A resource whose files move into the new owner's tree. */
export interface MovingResource {
  readonly resource: Resource;
  readonly toDir: string;
  readonly files: readonly ResourceFile[];
  /** The files as they were when planned; the move is refused if they change before it commits. */
  readonly fingerprint: string;
}

export interface OwnerChangePlan {
  readonly from: string;
  readonly to: string;
  readonly items: readonly MovingItem[];
  readonly resources: readonly MovingResource[];
}

/**
 * Works out what a change of owner moves: a subject takes every experiment its old owner owns (and
 * their files); a session takes the assessors its old owner owns; an assessor moves alone. Each item
 * keeps the label it already has in the new owner (if shared there) or its owner label, unless a new
 * label is asked for. Refuses (409) when a label is taken or an experiment would lose its subject.
 */
export async function planOwnerChange(db: Db, store: FileStore, item: ShareItem, to: string, label: string | undefined): Promise<OwnerChangePlan> {
  const from = item.ownerProjectId;
  const items = item.kind === 'subject' ? await subjectItems(db, item, from, to, label) : await experimentItems(db, item, from, to, label);
  const seen = new Map<string, string>();
  for (const m of items) {
    const key = `${m.kind}:${m.toLabel}`;
    if (seen.has(key)) throw conflict(`Two items would be labelled ${m.toLabel} in project ${to}; give ${m.fromLabel} another label first`);
    seen.set(key, m.id);
    const holder = m.kind === 'subject' ? await subjectLabelHolder(db, to, m.toLabel) : await experimentLabelHolder(db, to, m.toLabel);
    if (holder !== undefined && holder !== m.id) throw conflict(`Label already in use: ${m.toLabel} in project ${to}`);
  }
  return { from, to, items, resources: await movingResources(db, store, items, to) };
}

async function subjectItems(db: Db, item: ShareItem, from: string, to: string, label: string | undefined): Promise<MovingItem[]> {
  const held = await listSubjectExperimentsIn(db, item.id, from);
  const foreign = held.filter((e) => e.isShared);
  if (foreign.length > 0) {
    throw conflict(`Project ${from} holds experiments of ${item.what} shared from other projects (${foreign.map((e) => e.label).join(', ')}): unshare them from ${from} first`);
  }
  const subjectThere = await findSubjectPlace(db, item.id, to);
  const out: MovingItem[] = [{ kind: 'subject', id: item.id, fromLabel: item.ownerLabel, toLabel: label ?? subjectThere?.label ?? item.ownerLabel, sessionId: null }];
  for (const e of held) out.push(await movingExperiment(db, e.id, e.label, e.imageSessionId, to, undefined));
  return out;
}

async function experimentItems(db: Db, item: ShareItem, from: string, to: string, label: string | undefined): Promise<MovingItem[]> {
  if (item.imageSessionId) {
    if (!(await findExperimentPlace(db, item.imageSessionId, to))) throw conflict(`${item.what} assesses a session that is not in project ${to}: share or move the session first`);
    return [await movingExperiment(db, item.id, item.ownerLabel, item.imageSessionId, to, label)];
  }
  if (!(await findSubjectPlace(db, item.subjectId as string, to))) {
    throw conflict(`The subject of ${item.what} is not in project ${to}: share or move the subject first (an experiment stays with its own subject)`);
  }
  const out = [await movingExperiment(db, item.id, item.ownerLabel, null, to, label)];
  for (const a of await listAssessorsIn(db, item.id, from)) {
    if (!a.isShared && a.ownerProjectId === from) out.push(await movingExperiment(db, a.id, a.label, item.id, to, undefined));
  }
  return out;
}

async function movingExperiment(db: Db, id: string, ownerLabel: string, sessionId: string | null, to: string, label: string | undefined): Promise<MovingItem> {
  const there = await findExperimentPlace(db, id, to);
  return { kind: 'experiment', id, fromLabel: ownerLabel, toLabel: label ?? there?.label ?? ownerLabel, sessionId };
}

async function movingResources(db: Db, store: FileStore, items: readonly MovingItem[], to: string): Promise<MovingResource[]> {
  const chooser = new DirChooser(db, store);
  const labelAfter = new Map(items.map((m) => [m.id, m.toLabel]));
  const out: MovingResource[] = [];
  for (const m of items) {
    const resources = m.kind === 'subject' ? await listResources(db, { kind: 'subject', subjectId: m.id }) : await listResourcesOfExperiment(db, m.id);
    for (const resource of resources) {
      const natural = await naturalDir(db, m, resource, to, labelAfter);
      out.push({ resource, toDir: await chooser.choose(natural), files: await listFiles(db, resource.id), fingerprint: await resourceFingerprint(db, resource.id) });
    }
  }
  return out;
}

/** Where the resource would have been created had the new owner always owned the item. */
async function naturalDir(db: Db, m: MovingItem, r: Resource, to: string, labelAfter: Map<string, string>): Promise<string> {
  if (m.kind === 'subject') return subjectResourceDir(to, m.toLabel, r.label);
  if (r.owner.kind === 'scan') {
    const scan = await findScanByPk(db, r.owner.scanPk);
    return scanResourceDir(to, m.toLabel, scan?.scanId ?? String(r.owner.scanPk), r.label);
  }
  if (m.sessionId) {
    const sessionLabel = labelAfter.get(m.sessionId) ?? (await findExperimentById(db, m.sessionId))?.label ?? m.sessionId;
    return assessorResourceDir(to, sessionLabel, m.toLabel, r.label);
  }
  return experimentResourceDir(to, m.toLabel, r.label);
}
