import type { Right } from '../../domain/access.js';
import type { Actor } from '../../domain/actor.js';
import { conflict } from '../../domain/errors.js';
import type { ProjectGrant } from '../access.service.js';
import type { ExperimentRef, Locator, SubjectRef } from '../locator.js';

/** What a sharing URL addresses (the same shapes as XNAT's `.../projects/{dest}` URLs). */
export type ShareItemRef =
  | { readonly kind: 'subject'; readonly ref: SubjectRef }
  | { readonly kind: 'experiment'; readonly ref: ExperimentRef }
  | { readonly kind: 'assessor'; readonly session: ExperimentRef; readonly assessor: string }
  | { readonly kind: 'scan'; readonly session: ExperimentRef; readonly scan: string };

/** A subject or experiment found through the project of the URL. */
export interface ShareItem {
  readonly kind: 'subject' | 'experiment';
  readonly id: string;
  readonly ownerProjectId: string;
  /** Its label in the owner project. */
  readonly ownerLabel: string;
  /** The project it was found through and the actor's rights there. */
  readonly through: ProjectGrant;
  readonly labelThere: string;
  /** For experiments: their subject. */
  readonly subjectId?: string;
  /** For image assessors: their session. */
  readonly imageSessionId?: string | null;
  /** "Subject S01", "Experiment MR1", "Assessor QC1", for messages. */
  readonly what: string;
}

/** Finds the subject, experiment or assessor of a sharing URL with the given right where it is found. */
export async function resolveShareItem(locator: Locator, actor: Actor, ref: Exclude<ShareItemRef, { kind: 'scan' }>, right: Right): Promise<ShareItem> {
  if (ref.kind === 'subject') {
    const s = await locator.subject(actor, ref.ref, right);
    return { kind: 'subject', id: s.item.id, ownerProjectId: s.item.projectId, ownerLabel: s.item.label, through: s.grant, labelThere: s.label, what: `Subject ${s.label}` };
  }
  const e = ref.kind === 'experiment' ? await locator.experiment(actor, ref.ref, right) : await locator.assessor(actor, ref.session, ref.assessor, right);
  const isAssessor = e.item.imageSessionId !== null;
  return {
    kind: 'experiment', id: e.item.id, ownerProjectId: e.item.projectId, ownerLabel: e.item.label, through: e.grant, labelThere: e.label,
    subjectId: e.item.subjectId, imageSessionId: e.item.imageSessionId, what: `${isAssessor ? 'Assessor' : 'Experiment'} ${e.label}`,
  };
}

/** Scans have no sharing of their own here: they are shared, unshared and moved with their session. */
export function scansFollowTheirSession(action: string): never {
  throw conflict(`Scans are ${action} with their session: address the session's URL (.../experiments/{E}/projects/{P}) instead`);
}
