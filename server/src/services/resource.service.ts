import type { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import type { DB } from '../db/database.js';
import { isUniqueViolation } from '../db/db-errors.js';
import { withTransaction } from '../db/transaction.js';
import type { Actor } from '../domain/actor.js';
import { loginOf } from '../domain/actor.js';
import type { Resource, ResourceFile } from '../domain/entities.js';
import { AppError, conflict, invalidInput, notFound } from '../domain/errors.js';
import { checkFilePath, checkResourceLabel } from '../domain/names.js';
import { alternativeDir, catalogFileName } from '../archive/layout.js';
import { catalogXml } from '../archive/catalog-xml.js';
import type { FileStore, Placement, StagedFile } from '../archive/file-store.js';
import { DEFAULT_ARCHIVE_LIMITS, detectArchiveKind, walkArchive, type ArchiveLimits } from '../archive/archive-reader.js';
import {
  deleteFiles, deleteResourceRow, findFile, findResource, findResourceById, insertResource, isDirTaken, listFiles, listFilesOfResources,
  listResources, listResourcesOfExperiment, lockResource, refreshResourceStats, updateResourceAttributes, upsertFile,
} from '../repositories/resource.repository.js';
import { audit } from './audit.js';
import type { OwnerRef, ResolvedOwner, ResourceOwners } from './resource-owner.js';
import type { ExperimentRef } from './locator.js';
import { KeyedMutex } from './keyed-mutex.js';

export interface ResourceAttributes {
  readonly format?: string;
  readonly content?: string;
  readonly description?: string;
  readonly tags?: string;
}

export interface UploadOptions extends ResourceAttributes {
  readonly overwrite: boolean;
  /** Unpack a zip/tar/tar.gz body into the resource instead of storing it. */
  readonly extract: boolean;
  readonly reason?: string;
}

export interface UploadResult {
  readonly resource: Resource;
  readonly files: readonly string[];
}

/** A file with the resource it belongs to (listings span several resources). */
export interface FileInResource {
  readonly resource: Resource;
  readonly file: ResourceFile;
}

/** Resources (catalogs) and their files at every level of the hierarchy. */
export class ResourceService {
  private readonly catalogLocks = new KeyedMutex();

  constructor(
    private readonly db: Kysely<DB>,
    private readonly owners: ResourceOwners,
    private readonly files: FileStore,
    private readonly limits: { readonly maxUploadBytes: number; readonly archive?: ArchiveLimits },
  ) {}

  async list(actor: Actor, ref: OwnerRef): Promise<{ owner: ResolvedOwner; resources: Resource[] }> {
    const owner = await this.owners.resolve(actor, ref, 'read');
    return { owner, resources: await listResources(this.db, owner.owner) };
  }

  /** Every resource of a session in one query: its own and its scans' (for the session document). */
  async listOfSession(actor: Actor, ref: ExperimentRef): Promise<{ own: Resource[]; byScan: Map<number, Resource[]> }> {
    const owner = await this.owners.resolve(actor, { kind: 'experiment', ref }, 'read');
    const own: Resource[] = [];
    const byScan = new Map<number, Resource[]>();
    for (const r of await listResourcesOfExperiment(this.db, (owner.owner as { experimentId: string }).experimentId)) {
      if (r.owner.kind === 'scan') byScan.set(r.owner.scanPk, [...(byScan.get(r.owner.scanPk) ?? []), r]);
      else own.push(r);
    }
    return { own, byScan };
  }

  async get(actor: Actor, ref: OwnerRef, key: string): Promise<{ owner: ResolvedOwner; resource: Resource }> {
    const owner = await this.owners.resolve(actor, ref, 'read');
    return { owner, resource: await this.find(owner, key) };
  }

  /** Creates an empty resource; an existing label is a conflict. */
  async create(actor: Actor, ref: OwnerRef, label: string, attrs: ResourceAttributes & { reason?: string }): Promise<Resource> {
    const owner = await this.owners.resolve(actor, ref, 'edit');
    checkResourceLabel(label);
    if (await findResource(this.db, owner.owner, label)) throw conflict(`Specified resource already exists: ${label}`);
    return this.ensure(actor, owner, label, attrs);
  }

  async update(actor: Actor, ref: OwnerRef, key: string, attrs: ResourceAttributes): Promise<Resource> {
    const owner = await this.owners.resolve(actor, ref, 'edit');
    const resource = await this.find(owner, key);
    await updateResourceAttributes(this.db, resource.id, attrs);
    await this.writeCatalog(resource.id);
    return (await findResourceById(this.db, resource.id)) as Resource;
  }

  async delete(actor: Actor, ref: OwnerRef, key: string, options: { removeFiles: boolean; reason?: string }): Promise<void> {
    const owner = await this.owners.resolve(actor, ref, 'delete');
    const resource = await this.find(owner, key);
    await withTransaction(this.db, async (trx) => {
      await deleteResourceRow(trx, resource.id);
      await audit(trx, actor, { action: 'delete', entityType: 'resource', entityId: String(resource.id), projectId: owner.ownerProjectId, label: resource.label, reason: options.reason, details: { owner: owner.what, files: resource.fileCount } });
    });
    if (options.removeFiles) await this.files.removeDir(resource.dir);
    else await this.files.remove(`${resource.dir}/${catalogFileName(resource.label)}`);
  }

  /**
   * Files of one resource (`key`), of several (comma list), or of every resource of the owner
   * (`key` undefined), optionally only those at or under `path`.
   */
  async listFiles(actor: Actor, ref: OwnerRef, key: string | undefined, path?: string): Promise<{ owner: ResolvedOwner; files: FileInResource[] }> {
    const owner = await this.owners.resolve(actor, ref, 'read');
    const resources = key === undefined ? await listResources(this.db, owner.owner) : await this.findMany(owner, key);
    return { owner, files: await this.filesOf(resources, path) };
  }

  /** Files of many resources at once, in resource then path order. */
  async filesOf(resources: readonly Resource[], path?: string): Promise<FileInResource[]> {
    const byId = new Map(resources.map((r) => [r.id, r]));
    const clean = path ? checkFilePath(path) : undefined;
    const files = clean
      ? (await Promise.all(resources.map((r) => listFiles(this.db, r.id, clean)))).flat()
      : await listFilesOfResources(this.db, resources.map((r) => r.id));
    return files.map((file) => ({ resource: byId.get(file.resourceId) as Resource, file }));
  }

  /** One file for download; a row whose file is missing on disk is reported, never served empty. */
  async openFile(actor: Actor, ref: OwnerRef, key: string, path: string): Promise<FileInResource & { relativePath: string }> {
    const owner = await this.owners.resolve(actor, ref, 'read');
    const resource = await this.find(owner, key);
    const file = await findFile(this.db, resource.id, checkFilePath(path));
    if (!file) throw notFound(`No file ${path} in resource ${resource.label}`);
    const relativePath = `${resource.dir}/${file.path}`;
    if (!(await this.files.stat(relativePath))) {
      throw new AppError('internal', `File ${file.path} of resource ${resource.label} is missing from the archive disk`, { path: file.path });
    }
    return { resource, file, relativePath };
  }

  /**
   * Stores an uploaded file (or the members of an uploaded archive) in a resource, creating the
   * resource if needed. Files land on disk first, rows are committed after; a failure removes what
   * was placed and restores what was replaced.
   */
  async upload(actor: Actor, ref: OwnerRef, key: string, path: string | undefined, source: Readable, options: UploadOptions): Promise<UploadResult> {
    const owner = await this.owners.resolve(actor, ref, 'edit');
    let resource = await findResource(this.db, owner.owner, key);
    if (!resource) {
      if (/^\d+$/.test(key)) throw notFound(`No resource ${key} in ${owner.what}`);
      resource = await this.ensure(actor, owner, key, options);
    }
    const staged = await this.files.stage(source, this.limits.maxUploadBytes);
    try {
      if (options.extract) return await this.storeArchive(actor, owner, resource, path, staged, options);
      if (!path) throw invalidInput('Specify the file name in the URL (.../files/{name}) or upload with multipart/form-data');
      const rel = checkFilePath(path);
      this.checkNotCatalog(resource, rel);
      const exists = await findFile(this.db, resource.id, rel);
      if (exists && !options.overwrite) throw conflict(`File already exists: ${rel} (add overwrite=true to replace it)`, { duplicates: [rel] });
      await this.commitFiles(actor, owner, resource, [{ path: rel, staged }], options);
      return { resource: (await findResourceById(this.db, resource.id)) as Resource, files: [rel] };
    } finally {
      await this.files.discard(staged);
    }
  }

  /** Deletes a file, or every file under a folder path ending in '/'; rows first, then files. */
  async deleteFiles(actor: Actor, ref: OwnerRef, key: string, path: string, options: { removeFiles: boolean; reason?: string }): Promise<number> {
    const owner = await this.owners.resolve(actor, ref, 'delete');
    const resource = await this.find(owner, key);
    const clean = checkFilePath(path);
    const isFolder = path.endsWith('/');
    const matches = isFolder
      ? await listFiles(this.db, resource.id, clean)
      : [await findFile(this.db, resource.id, clean)].filter((f): f is ResourceFile => f !== undefined);
    const folderMatches = matches.length === 0 && !isFolder ? await listFiles(this.db, resource.id, clean) : matches;
    if (folderMatches.length === 0) throw notFound(`No file ${path} in resource ${resource.label}`);
    await withTransaction(this.db, async (trx) => {
      await lockResource(trx, resource.id);
      await deleteFiles(trx, folderMatches.map((f) => f.id));
      await refreshResourceStats(trx, resource.id);
      await audit(trx, actor, { action: 'delete-files', entityType: 'resource', entityId: String(resource.id), projectId: owner.ownerProjectId, label: resource.label, reason: options.reason, details: { owner: owner.what, files: folderMatches.map((f) => f.path).slice(0, 100), count: folderMatches.length } });
    });
    if (options.removeFiles) for (const f of folderMatches) await this.files.remove(`${resource.dir}/${f.path}`);
    await this.writeCatalog(resource.id);
    return folderMatches.length;
  }

  /** The resource's catalog XML, generated from the database (what the file on disk also holds). */
  async catalog(resource: Resource): Promise<string> {
    return catalogXml(resource, await listFiles(this.db, resource.id));
  }

  /** Rewrites a resource's catalog XML from the database (serialised per resource). */
  async writeCatalog(resourceId: number): Promise<void> {
    // Uploads that arrive while a rewrite is running share the next one instead of queueing one each.
    await this.catalogLocks.coalesce(String(resourceId), async () => {
      const resource = await findResourceById(this.db, resourceId);
      if (!resource) return;
      const files = await listFiles(this.db, resourceId);
      await this.files.writeAtomic(`${resource.dir}/${catalogFileName(resource.label)}`, catalogXml(resource, files));
    });
  }

  private async storeArchive(actor: Actor, owner: ResolvedOwner, resource: Resource, path: string | undefined, archive: StagedFile, options: UploadOptions): Promise<UploadResult> {
    const kind = await detectArchiveKind(archive.stagingPath);
    if (!kind) throw new AppError('unsupported_media_type', 'extract=true needs a zip, tar or tar.gz archive; the upload is none of these');
    const prefix = path && path.includes('/') ? checkFilePath(path.slice(0, path.lastIndexOf('/'))) + '/' : '';
    const limits = this.limits.archive ?? DEFAULT_ARCHIVE_LIMITS;
    const entries = await walkArchive(archive.stagingPath, kind, limits);
    const seen = new Set<string>();
    const duplicates: string[] = [];
    for (const entry of entries) {
      const rel = prefix + entry.path;
      if (seen.has(rel)) throw invalidInput(`Archive holds '${entry.path}' twice`);
      seen.add(rel);
      this.checkNotCatalog(resource, rel);
      if (!options.overwrite && (await findFile(this.db, resource.id, rel))) duplicates.push(rel);
    }
    if (duplicates.length > 0) {
      throw conflict(`${duplicates.length} file(s) already exist, for example ${duplicates[0]} (add overwrite=true to replace them)`, { duplicates: duplicates.slice(0, 1000) });
    }
    const staged: { path: string; staged: StagedFile }[] = [];
    try {
      await walkArchive(archive.stagingPath, kind, limits, async (entry, content) => {
        staged.push({ path: prefix + entry.path, staged: await this.files.stage(content, limits.maxEntryBytes) });
      });
      await this.commitFiles(actor, owner, resource, staged, options);
    } finally {
      for (const s of staged) await this.files.discard(s.staged);
    }
    return { resource: (await findResourceById(this.db, resource.id)) as Resource, files: staged.map((s) => s.path) };
  }

  private async commitFiles(actor: Actor, owner: ResolvedOwner, resource: Resource, items: { path: string; staged: StagedFile }[], options: UploadOptions): Promise<void> {
    const placements: Placement[] = [];
    try {
      for (const item of items) {
        const known = await findFile(this.db, resource.id, item.path);
        // A file on disk without a row is an orphan of an earlier delete: it may be replaced.
        placements.push(await this.files.place(item.staged, `${resource.dir}/${item.path}`, { replace: options.overwrite || !known }));
      }
      await withTransaction(this.db, async (trx) => {
        await lockResource(trx, resource.id);
        // A change of owner may have moved the resource while the files were being written.
        const current = await findResourceById(trx, resource.id);
        if (!current || current.dir !== resource.dir) {
          throw conflict(`Resource ${resource.label} was moved or deleted while the upload was running; upload again`);
        }
        for (const item of items) {
          await upsertFile(trx, {
            resourceId: resource.id, path: item.path, size: item.staged.size, md5: item.staged.md5,
            format: options.format ?? '', content: options.content ?? '', tags: options.tags ?? '', createdBy: loginOf(actor),
          });
        }
        await refreshResourceStats(trx, resource.id);
        await audit(trx, actor, {
          action: 'upload', entityType: 'resource', entityId: String(resource.id), projectId: owner.ownerProjectId, label: resource.label, reason: options.reason,
          details: { owner: owner.what, ...ownerIds(owner), files: items.slice(0, 100).map((i) => i.path), count: items.length, bytes: items.reduce((n, i) => n + i.staged.size, 0) },
        });
      });
    } catch (e) {
      for (const p of placements.reverse()) await p.undo().catch(() => undefined);
      throw e;
    }
    for (const p of placements) await p.finish();
    await this.writeCatalog(resource.id);
  }

  private checkNotCatalog(resource: Resource, rel: string): void {
    if (rel === catalogFileName(resource.label)) throw invalidInput(`'${rel}' is reserved for the resource's catalog; choose another file name`);
  }

  private async find(owner: ResolvedOwner, key: string): Promise<Resource> {
    const resource = await findResource(this.db, owner.owner, key);
    if (!resource) throw notFound(`No resource ${key} in ${owner.what}`);
    return resource;
  }

  private async findMany(owner: ResolvedOwner, keys: string): Promise<Resource[]> {
    const out: Resource[] = [];
    for (const key of keys.split(',').map((k) => k.trim()).filter(Boolean)) out.push(await this.find(owner, key));
    return out;
  }

  /** Finds or creates a resource, giving it a directory no other resource uses. */
  private async ensure(actor: Actor, owner: ResolvedOwner, label: string, attrs: ResourceAttributes & { reason?: string }): Promise<Resource> {
    checkResourceLabel(label);
    const natural = owner.dirFor(label);
    for (let attempt = 1; attempt < 100; attempt++) {
      const existing = await findResource(this.db, owner.owner, label);
      if (existing) return existing;
      const dir = attempt === 1 ? natural : alternativeDir(natural, attempt);
      if ((await isDirTaken(this.db, dir)) || (await this.files.isNonEmptyDir(dir))) continue;
      try {
        const resource = await withTransaction(this.db, async (trx) => {
          const created = await insertResource(trx, {
            owner: owner.owner, label, dir,
            format: attrs.format ?? '', content: attrs.content ?? '', description: attrs.description ?? '', tags: attrs.tags ?? '',
          });
          await audit(trx, actor, { action: 'create', entityType: 'resource', entityId: String(created.id), projectId: owner.ownerProjectId, label, reason: attrs.reason, details: { owner: owner.what } });
          return created;
        });
        await this.writeCatalog(resource.id);
        return resource;
      } catch (e) {
        if (!isUniqueViolation(e)) throw e;
      }
    }
    throw conflict(`Could not find a free directory for resource ${label}`);
  }
}

/** The subject/experiment an audited resource belongs to, so the activity feed can link to it. */
function ownerIds(owner: { readonly ids: { readonly subjectId?: string; readonly experimentId?: string } }): Record<string, string> {
  return {
    ...(owner.ids.subjectId !== undefined && { subjectId: owner.ids.subjectId }),
    ...(owner.ids.experimentId !== undefined && { experimentId: owner.ids.experimentId }),
  };
}
