import type { Selectable } from 'kysely';
import type { Db } from '../db/database.js';
import type { ResourceFileTable, ResourceTable } from '../db/tables/resource.table.js';
import type { Resource, ResourceFile, ResourceOwner } from '../domain/entities.js';
import { now } from './field-columns.js';

/** One key per owner so labels are unique per owner in one index. */
export function ownerKey(owner: ResourceOwner): string {
  switch (owner.kind) {
    case 'project': return `project:${owner.projectId}`;
    case 'subject': return `subject:${owner.subjectId}`;
    case 'experiment': return `experiment:${owner.experimentId}`;
    case 'scan': return `scan:${owner.scanPk}`;
  }
}

const toOwner = (r: Selectable<ResourceTable>): ResourceOwner => {
  if (r.scan_pk !== null) return { kind: 'scan', experimentId: r.experiment_id as string, scanPk: r.scan_pk };
  if (r.experiment_id !== null) return { kind: 'experiment', experimentId: r.experiment_id };
  if (r.subject_id !== null) return { kind: 'subject', subjectId: r.subject_id };
  return { kind: 'project', projectId: r.project_id as string };
};

const toResource = (r: Selectable<ResourceTable>): Resource => ({
  id: r.id, owner: toOwner(r), label: r.label, format: r.format, content: r.content, description: r.description, tags: r.tags,
  fileCount: r.file_count, totalSize: Number(r.total_size), dir: r.dir, createdAt: r.created_at,
});

const toFile = (r: Selectable<ResourceFileTable>): ResourceFile => ({
  id: r.id, resourceId: r.resource_id, path: r.path, size: Number(r.size), md5: r.md5, format: r.format, content: r.content,
  tags: r.tags, createdAt: r.created_at, createdBy: r.created_by,
});

/** A resource of this owner by label, or by its number (clients address resources both ways). */
export async function findResource(db: Db, owner: ResourceOwner, labelOrId: string): Promise<Resource | undefined> {
  const key = ownerKey(owner);
  const byLabel = await db.selectFrom('resource').selectAll().where('owner_key', '=', key).where('label', '=', labelOrId).executeTakeFirst();
  if (byLabel) return toResource(byLabel);
  if (!/^\d{1,15}$/.test(labelOrId)) return undefined;
  const byId = await db.selectFrom('resource').selectAll().where('owner_key', '=', key).where('id', '=', Number(labelOrId)).executeTakeFirst();
  return byId && toResource(byId);
}

export async function findResourceById(db: Db, id: number): Promise<Resource | undefined> {
  const row = await db.selectFrom('resource').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toResource(row);
}

export async function listResources(db: Db, owner: ResourceOwner): Promise<Resource[]> {
  const rows = await db.selectFrom('resource').selectAll().where('owner_key', '=', ownerKey(owner)).orderBy('id').execute();
  return rows.map(toResource);
}

/** Every resource of a session: its own, its scans', and its assessors' when `withAssessors`. */
export async function listResourcesOfExperiment(db: Db, experimentId: string): Promise<Resource[]> {
  const rows = await db.selectFrom('resource').selectAll().where('experiment_id', '=', experimentId).orderBy('id').execute();
  return rows.map(toResource);
}

export async function isDirTaken(db: Db, dir: string): Promise<boolean> {
  return (await db.selectFrom('resource').select('id').where('dir', '=', dir).executeTakeFirst()) !== undefined;
}

export interface NewResource {
  owner: ResourceOwner;
  label: string; format: string; content: string; description: string; tags: string; dir: string;
}

export async function insertResource(db: Db, r: NewResource): Promise<Resource> {
  const at = now();
  const o = r.owner;
  const row = await db.insertInto('resource').values({
    owner_key: ownerKey(o),
    project_id: o.kind === 'project' ? o.projectId : null,
    subject_id: o.kind === 'subject' ? o.subjectId : null,
    experiment_id: o.kind === 'experiment' || o.kind === 'scan' ? o.experimentId : null,
    scan_pk: o.kind === 'scan' ? o.scanPk : null,
    label: r.label, format: r.format, content: r.content, description: r.description, tags: r.tags,
    file_count: 0, total_size: 0, dir: r.dir, created_at: at, updated_at: at,
  }).returningAll().executeTakeFirstOrThrow();
  return toResource(row);
}

export async function updateResourceAttributes(db: Db, id: number, c: { format?: string; content?: string; description?: string; tags?: string }): Promise<void> {
  await db.updateTable('resource').set({ ...c, updated_at: now() }).where('id', '=', id).execute();
}

export async function deleteResourceRow(db: Db, id: number): Promise<void> {
  await db.deleteFrom('resource').where('id', '=', id).execute();
}

/**
 * Takes the resource's row lock for the rest of the transaction (an UPDATE does so on PostgreSQL;
 * SQLite has one writer anyway), so concurrent changes to its files serialise and the counts
 * recomputed afterwards see each other's rows.
 */
export async function lockResource(db: Db, id: number): Promise<void> {
  await db.updateTable('resource').set({ updated_at: now() }).where('id', '=', id).execute();
}

/** Recomputes a resource's file count and total size from its files (always exact, never drifted). */
export async function refreshResourceStats(db: Db, id: number): Promise<void> {
  const stats = await db.selectFrom('resource_file').select([
    (eb) => eb.fn.countAll<number>().as('n'),
    (eb) => eb.fn.coalesce(eb.fn.sum<number>('size'), eb.lit(0)).as('total'),
  ]).where('resource_id', '=', id).executeTakeFirstOrThrow();
  await db.updateTable('resource').set({ file_count: Number(stats.n), total_size: Number(stats.total), updated_at: now() }).where('id', '=', id).execute();
}

// --- files ---

export async function findFile(db: Db, resourceId: number, path: string): Promise<ResourceFile | undefined> {
  const row = await db.selectFrom('resource_file').selectAll().where('resource_id', '=', resourceId).where('path', '=', path).executeTakeFirst();
  return row && toFile(row);
}

/** Files of one resource whose path is `prefix` itself or lies under the folder `prefix/`. */
export async function listFiles(db: Db, resourceId: number, prefix?: string): Promise<ResourceFile[]> {
  let q = db.selectFrom('resource_file').selectAll().where('resource_id', '=', resourceId).orderBy('path');
  if (prefix) {
    const folder = prefix.endsWith('/') ? prefix : `${prefix}/`;
    q = q.where((eb) => eb.or([eb('path', '=', prefix), eb(eb.fn('substr', ['path', eb.lit(1), eb.lit(folder.length)]), '=', folder)]));
  }
  return (await q.execute()).map(toFile);
}

export async function listFilesOfResources(db: Db, resourceIds: readonly number[]): Promise<ResourceFile[]> {
  const out: ResourceFile[] = [];
  for (let i = 0; i < resourceIds.length; i += 500) {
    const chunk = resourceIds.slice(i, i + 500) as number[];
    const rows = await db.selectFrom('resource_file').selectAll().where('resource_id', 'in', chunk).orderBy('resource_id').orderBy('path').execute();
    out.push(...rows.map(toFile));
  }
  return out;
}

export interface NewFile { resourceId: number; path: string; size: number; md5: string; format: string; content: string; tags: string; createdBy: string }

/** Inserts a file row, or replaces the row of the same path. */
export async function upsertFile(db: Db, f: NewFile): Promise<void> {
  await db.deleteFrom('resource_file').where('resource_id', '=', f.resourceId).where('path', '=', f.path).execute();
  await db.insertInto('resource_file').values({
    resource_id: f.resourceId, path: f.path, size: f.size, md5: f.md5, format: f.format, content: f.content, tags: f.tags,
    created_at: now(), created_by: f.createdBy,
  }).execute();
}

export async function deleteFiles(db: Db, ids: readonly number[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 500) {
    await db.deleteFrom('resource_file').where('id', 'in', ids.slice(i, i + 500) as number[]).execute();
  }
}
