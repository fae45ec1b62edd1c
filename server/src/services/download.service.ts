import type { Kysely } from 'kysely';
import type { DB } from '../db/database.js';
import { AppError } from '../domain/errors.js';
import { entryPath, type DownloadStructure, type FilePlace } from '../archive/download-layout.js';
import type { FileStore } from '../archive/file-store.js';
import { experimentLabelsInProject, subjectLabelInProject, type LabelInProject } from '../repositories/download.repository.js';
import { ownerKey } from '../repositories/resource.repository.js';
import type { ResolvedOwner } from './resource-owner.js';
import type { FileInResource } from './resource.service.js';
import { forEachLimited } from './transfers/throttle.js';

/** One file of a download: where it goes in the archive and where it is read from. */
export interface PlannedFile {
  /** Path inside the zip or tar (or the catalog's cachePath). */
  readonly name: string;
  /** Path below the archive root, for the file store. */
  readonly relativePath: string;
  readonly size: number;
  readonly md5: string;
  readonly mtime: Date;
  /** Names the file in errors: "File 1.dcm of resource DICOM (Scan 1 of session MR1)". */
  readonly describe: string;
  readonly item: FileInResource;
  /** The owner the file was listed through (file listings only), for its URI. */
  readonly owner?: ResolvedOwner;
  /** The file's `/data` URL path (catalog downloads). */
  readonly link?: string;
  /** The session the file belongs to (catalog downloads), for sub-catalogs. */
  readonly group?: { readonly id: string; readonly description: string };
}

export interface DownloadPlan {
  /** Base name of the download (session label, subject label or project ID), without extension. */
  readonly name: string;
  readonly files: readonly PlannedFile[];
}

/** Where an owner's files go, before the resource and file are known. */
type OwnerPlace = Omit<FilePlace, 'resourceLabel' | 'resourceDir' | 'path'>;

/** An experiment's label in a project (its own ID when it has none there). */
type ExperimentLabels = (projectId: string, experimentId: string) => LabelInProject;

/** Disk checks run this many stats at a time. */
const STAT_CONCURRENCY = 32;

/**
 * Turns file listings into downloads: the path of each file in the archive for the requested structure,
 * and a check that every file is really on disk before the first byte is sent.
 */
export class DownloadService {
  constructor(private readonly db: Kysely<DB>, private readonly store: FileStore) {}

  /**
   * Plans a zip/tar of files already listed (and access-checked) through `owners`. Labels are the ones
   * of the project the owners were reached through, so shared data downloads under its shared labels.
   */
  async planListing(files: readonly FileInResource[], owners: readonly ResolvedOwner[], structure: DownloadStructure, options: { forTar?: boolean } = {}): Promise<DownloadPlan> {
    const labels = await this.experimentLabels(owners);
    const placed: { owner: ResolvedOwner; place: OwnerPlace }[] = [];
    for (const owner of owners) placed.push({ owner, place: await this.placeOf(owner, labels) });
    const places = new Map(placed.map((p) => [ownerKey(p.owner.owner), p]));
    const planned = files.map((item): PlannedFile => {
      const found = places.get(ownerKey(item.resource.owner));
      // The listing handler resolves every owner with read access; a file of another owner is a bug, not a download.
      if (!found) throw new AppError('internal', `File ${item.file.path} of resource ${item.resource.label} was listed without its owner`);
      const place: FilePlace = { ...found.place, resourceLabel: item.resource.label, resourceDir: item.resource.dir, path: item.file.path };
      return {
        name: entryPath(place, structure, options), relativePath: `${item.resource.dir}/${item.file.path}`, size: item.file.size, md5: item.file.md5,
        mtime: new Date(item.file.createdAt), describe: describeFile(item, found.owner.what), item, owner: found.owner,
      };
    });
    const first = placed[0]?.place;
    // XNAT names downloads after the archive folder of the item asked for (FileList: getArchiveDirectoryName).
    const name = !first ? 'files' : first.category === 'assessors' && first.assessor ? first.assessor : first.root;
    return { name, files: planned };
  }

  /**
   * Fails with a 500-class error naming the file when any planned file is missing from the disk or has
   * another size than recorded: better a clear refusal before the first byte than a broken zip.
   */
  async assertOnDisk(plan: DownloadPlan): Promise<void> {
    const problems: string[] = [];
    await forEachLimited(plan.files, STAT_CONCURRENCY, async (file) => {
      const stat = await this.store.stat(file.relativePath);
      if (!stat) problems.push(`${file.describe} is missing from the archive disk`);
      else if (stat.size !== file.size) problems.push(`${file.describe} has ${stat.size} bytes on disk but ${file.size} recorded`);
    });
    if (problems.length === 0) return;
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more file${problems.length > 2 ? 's' : ''})` : '';
    throw new AppError('internal', `Cannot build the download: ${problems.sort()[0]}${more}. Ask an administrator to check the archive.`, { problems: problems.slice(0, 100) });
  }

  private async placeOf(owner: ResolvedOwner, labels: ExperimentLabels): Promise<OwnerPlace> {
    const o = owner.owner;
    const project = owner.grant.project.id;
    switch (o.kind) {
      case 'project': return { root: o.projectId, category: 'resources' };
      case 'subject': return { root: (await subjectLabelInProject(this.db, project, o.subjectId)) ?? o.subjectId, category: 'resources' };
      case 'experiment': {
        const own = labels(project, o.experimentId);
        if (!own.imageSessionId) return { root: own.label, category: 'resources' };
        return { root: labels(project, own.imageSessionId).label, category: 'assessors', assessor: own.label };
      }
      case 'scan': {
        const scan = owner.ids.scan;
        return { root: labels(project, o.experimentId).label, category: 'scans', scan: { id: scan?.scanId ?? String(o.scanPk), type: scan?.fields.type ?? '' } };
      }
    }
  }

  /**
   * The labels of every experiment the owners hang from, and of the sessions of those that are assessors,
   * read in one batch per project and step (a `scans/ALL` listing has one owner per scan of one session).
   */
  private async experimentLabels(owners: readonly ResolvedOwner[]): Promise<ExperimentLabels> {
    const byProject = new Map<string, Map<string, LabelInProject>>();
    const wanted = new Map<string, Set<string>>();
    for (const { owner, grant } of owners) {
      if (owner.kind !== 'experiment' && owner.kind !== 'scan') continue;
      const ids = wanted.get(grant.project.id) ?? new Set<string>();
      wanted.set(grant.project.id, ids.add(owner.experimentId));
    }
    for (const [project, ids] of wanted) {
      const found = await experimentLabelsInProject(this.db, project, [...ids]);
      const sessions = [...found.values()].flatMap((l) => (l.imageSessionId && !found.has(l.imageSessionId) ? [l.imageSessionId] : []));
      for (const [id, label] of await experimentLabelsInProject(this.db, project, [...new Set(sessions)])) found.set(id, label);
      byProject.set(project, found);
    }
    return (project, id) => byProject.get(project)?.get(id) ?? { label: id, imageSessionId: null };
  }
}

export function describeFile(item: FileInResource, ownerWhat: string): string {
  return `File ${item.file.path} of resource ${item.resource.label} (${ownerWhat})`;
}
