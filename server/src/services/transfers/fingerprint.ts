import crypto from 'node:crypto';
import type { Db } from '../../db/database.js';
import { listAssessorIdsOf, listExperimentIdsOfSubject } from '../../repositories/experiment.repository.js';
import { listResources, listResourcesOfExperiment } from '../../repositories/resource.repository.js';
import { listScans } from '../../repositories/scan.repository.js';
import { resourceFingerprint } from '../../repositories/sharing.repository.js';

/**
 * A digest of everything a move would delete from the source: its scans, assessors, resources and
 * files with their MD5s. Taken when the copy is made and compared again just before deleting, so
 * nothing added to the source during the transfer is deleted without having been copied.
 */
export async function experimentFingerprint(db: Db, experimentId: string): Promise<string> {
  const parts: string[] = [];
  for (const s of await listScans(db, experimentId)) parts.push(`scan:${s.scanId}`);
  const ids = [experimentId, ...(await listAssessorIdsOf(db, experimentId)).sort()];
  for (const id of ids) {
    parts.push(`experiment:${id}`);
    for (const r of await listResourcesOfExperiment(db, id)) parts.push(`resource:${r.owner.kind}:${r.label}:${r.id}\n${await resourceFingerprint(db, r.id)}`);
  }
  return digest(parts);
}

export async function subjectFingerprint(db: Db, subjectId: string): Promise<string> {
  const parts: string[] = [];
  for (const e of (await listExperimentIdsOfSubject(db, subjectId)).map((x) => x.id).sort()) parts.push(`experiment:${e}`);
  for (const r of await listResources(db, { kind: 'subject', subjectId })) parts.push(`resource:${r.label}:${r.id}\n${await resourceFingerprint(db, r.id)}`);
  return digest(parts);
}

function digest(parts: readonly string[]): string {
  return crypto.createHash('sha256').update(parts.join('\n')).digest('hex');
}
