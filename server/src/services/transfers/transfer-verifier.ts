import type { FileStore } from '../../archive/file-store.js';
import type { Db } from '../../db/database.js';
import type { Resource, ResourceOwner } from '../../domain/entities.js';
import { selectScans } from '../../domain/scan-selector.js';
import type { TransferReport, TransferSelection, VerificationCounts } from '../../domain/transfer.js';
import { findExperimentById } from '../../repositories/experiment.repository.js';
import { findResource, listFiles, listResources, listResourcesOfExperiment } from '../../repositories/resource.repository.js';
import { findScan, listScans } from '../../repositories/scan.repository.js';
import { findSubjectById } from '../../repositories/subject.repository.js';
import type { TransferCheckpoint } from './transfer-checkpoint.js';
import type { ResourceFilter } from './transfer-plan.js';

type Counts = { -readonly [K in keyof VerificationCounts]: number };
type Problem = TransferReport['verification']['problems'][number];

const MAX_LISTED_PROBLEMS = 200;

/**
 * The final check of a transfer: walks every selected source item and looks for its counterpart in
 * the destination — subjects, sessions, assessors, scans, resources, and each file with the same
 * path, size and MD5 in the catalog and the same size on disk. (Each file's content was already
 * read back and hashed when it was copied.) Passes only when everything expected was found.
 */
export async function verifyTransfer(db: Db, store: FileStore, selection: TransferSelection, checkpoint: TransferCheckpoint, filter: ResourceFilter): Promise<TransferReport['verification']> {
  const expected: Counts = { subjects: 0, experiments: 0, scans: 0, resources: 0, files: 0, bytes: 0 };
  const found: Counts = { subjects: 0, experiments: 0, scans: 0, resources: 0, files: 0, bytes: 0 };
  const problems: Problem[] = [];
  let problemCount = 0;
  const problem = (p: Problem) => {
    problemCount++;
    if (problems.length < MAX_LISTED_PROBLEMS) problems.push(p);
  };
  const keep = (r: Resource) => filter === null || filter.includes(r.label);

  const compare = async (source: Resource, destOwner: ResourceOwner | undefined, item: string) => {
    expected.resources++;
    const dest = destOwner ? await findResource(db, destOwner, source.label) : undefined;
    if (dest) found.resources++;
    const destFiles = new Map((dest ? await listFiles(db, dest.id) : []).map((f) => [f.path, f]));
    for (const f of await listFiles(db, source.id)) {
      expected.files++;
      expected.bytes += f.size;
      const d = destFiles.get(f.path);
      if (!d || !dest) {
        problem({ kind: 'missing-file', item, path: `${source.label}/${f.path}` });
        continue;
      }
      if (d.size !== f.size || d.md5 !== f.md5) {
        problem({ kind: 'catalog-mismatch', item, path: `${source.label}/${f.path}`, expected: `${f.size} bytes, md5 ${f.md5}`, found: `${d.size} bytes, md5 ${d.md5}` });
        continue;
      }
      const onDisk = await store.stat(`${dest.dir}/${d.path}`);
      if (!onDisk || onDisk.size !== f.size) {
        problem({ kind: 'disk-mismatch', item, path: `${source.label}/${f.path}`, expected: `${f.size} bytes`, found: onDisk ? `${onDisk.size} bytes` : 'no file' });
        continue;
      }
      found.files++;
      found.bytes += f.size;
    }
  };

  for (const s of selection.subjects) {
    expected.subjects++;
    const entry = checkpoint.subjects[s.id];
    const dest = entry ? await findSubjectById(db, entry.destId) : undefined;
    if (dest) found.subjects++;
    else problem({ kind: 'missing-subject', item: `subject ${s.sourceLabel}` });
    if (s.whole && entry?.status !== 'used-shared') {
      for (const r of (await listResources(db, { kind: 'subject', subjectId: s.id })).filter(keep)) {
        await compare(r, dest ? { kind: 'subject', subjectId: dest.id } : undefined, `subject ${s.sourceLabel}`);
      }
    }
  }

  for (const e of selection.experiments) {
    const entry = checkpoint.experiments[e.id];
    const item = `experiment ${e.sourceLabel}`;
    expected.experiments++;
    const dest = entry ? await findExperimentById(db, entry.destId) : undefined;
    if (dest) found.experiments++;
    else problem({ kind: 'missing-experiment', item });
    const resources = (await listResourcesOfExperiment(db, e.id)).filter(keep);
    for (const r of resources.filter((x) => x.owner.kind === 'experiment')) await compare(r, dest && { kind: 'experiment', experimentId: dest.id }, item);
    for (const scan of selectScans(await listScans(db, e.id), e.scanSelector ?? 'ALL')) {
      expected.scans++;
      const destScan = dest ? await findScan(db, dest.id, scan.scanId) : undefined;
      if (destScan) found.scans++;
      else problem({ kind: 'missing-scan', item: `scan ${scan.scanId} of ${e.sourceLabel}` });
      for (const r of resources.filter((x) => x.owner.kind === 'scan' && x.owner.scanPk === scan.pk)) {
        await compare(r, dest && destScan && { kind: 'scan', experimentId: dest.id, scanPk: destScan.pk }, `scan ${scan.scanId} of ${e.sourceLabel}`);
      }
    }
    for (const a of e.assessors) {
      expected.experiments++;
      const destId = entry?.assessors[a.id];
      const destAssessor = destId ? await findExperimentById(db, destId) : undefined;
      if (destAssessor) found.experiments++;
      else problem({ kind: 'missing-experiment', item: `assessor ${a.sourceLabel}` });
      for (const r of (await listResourcesOfExperiment(db, a.id)).filter(keep)) {
        await compare(r, destAssessor && { kind: 'experiment', experimentId: destAssessor.id }, `assessor ${a.sourceLabel}`);
      }
    }
  }
  const passed = problemCount === 0 && (Object.keys(expected) as (keyof Counts)[]).every((k) => expected[k] === found[k]);
  if (problemCount > problems.length) problems.push({ kind: 'more', item: `${problemCount - problems.length} more problem(s) not listed` });
  return { passed, expected, found, problems };
}
