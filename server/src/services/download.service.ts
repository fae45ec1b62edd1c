import type { Kysely } from 'kysely';
import type { DB } from '../db/database.js';
import { AppError } from '../domain/errors.js';
import { entryPath, type DownloadStructure, type FilePlace } from '../archive/download-layout.js';
import type { FileStore } from '../archive/file-store.js';
import { experimentLabelsInProject, subjectLabelInProject } from '../repositories/download.repository.js';
import { ownerKey } from '../repositories/resource.repository.js';
import type { ResolvedOwner } from './resource-owner.js';
import type { FileInResource } from './resource.service.js';

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
    const places = new Map<string, { owner: ResolvedOwner; place: Omit<FilePlace, 'resourceLabel' | 'resourceDir' | 'path'> }>();
    for (const owner of owners) places.set(ownerKey(owner.owner), { owner, place: await this.placeOf(owner) });
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
    const first = owners[0];
    return { name: first ? await this.archiveName(first) : 'files', files: planned };
  }

  /**
   * Fails with a 500-class error naming the file when any planned file is missing from the disk or has
   * another size than recorded: better a clear refusal before the first byte than a broken zip.
   */
  async assertOnDisk(plan: DownloadPlan): Promise<void> {
    const problems: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < plan.files.length) {
        const file = plan.files[next++] as PlannedFile;
        const stat = await this.store.stat(file.relativePath);
        if (!stat) problems.push(`${file.describe} is missing from the archive disk`);
        else if (stat.size !== file.size) problems.push(`${file.describe} has ${stat.size} bytes on disk but ${file.size} recorded`);
      }
    };
    await Promise.all(Array.from({ length: Math.min(STAT_CONCURRENCY, plan.files.length) }, worker));
    if (problems.length === 0) return;
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more file${problems.length > 2 ? 's' : ''})` : '';
    throw new AppError('internal', `Cannot build the download: ${problems.sort()[0]}${more}. Ask an administrator to check the archive.`, { problems: problems.slice(0, 100) });
  }

  private async placeOf(owner: ResolvedOwner): Promise<Omit<FilePlace, 'resourceLabel' | 'resourceDir' | 'path'>> {
    const o = owner.owner;
    const project = owner.grant.project.id;
    switch (o.kind) {
      case 'project': return { root: o.projectId, category: 'resources' };
      case 'subject': return { root: (await subjectLabelInProject(this.db, project, o.subjectId)) ?? o.subjectId, category: 'resources' };
      case 'experiment': {
        const own = await this.labelOf(project, o.experimentId);
        if (!own.imageSessionId) return { root: own.label, category: 'resources' };
        return { root: (await this.labelOf(project, own.imageSessionId)).label, category: 'assessors', assessor: own.label };
      }
      case 'scan': {
        const scan = owner.ids.scan;
        return { root: (await this.labelOf(project, o.experimentId)).label, category: 'scans', scan: { id: scan?.scanId ?? String(o.scanPk), type: scan?.fields.type ?? '' } };
      }
    }
  }

  /** XNAT names downloads after the archive folder of the item asked for (FileList: getArchiveDirectoryName). */
  private async archiveName(owner: ResolvedOwner): Promise<string> {
    const o = owner.owner;
    switch (o.kind) {
      case 'project': return o.projectId;
      case 'subject':
      case 'experiment':
      case 'scan': {
        const place = await this.placeOf(owner);
        return place.category === 'assessors' && place.assessor ? place.assessor : place.root;
      }
    }
  }

  private async labelOf(projectId: string, experimentId: string): Promise<{ label: string; imageSessionId: string | null }> {
    return (await experimentLabelsInProject(this.db, projectId, [experimentId])).get(experimentId) ?? { label: experimentId, imageSessionId: null };
  }
}

export function describeFile(item: FileInResource, ownerWhat: string): string {
  return `File ${item.file.path} of resource ${item.resource.label} (${ownerWhat})`;
}
