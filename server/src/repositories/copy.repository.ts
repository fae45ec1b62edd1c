import type { Db } from '../db/database.js';
import type { ResourceFile } from '../domain/entities.js';
import { now } from './field-columns.js';

/** Inserts the rows of copied files in chunks (one statement per 200 files). */
export async function insertCopiedFiles(db: Db, resourceId: number, files: readonly Pick<ResourceFile, 'path' | 'size' | 'md5' | 'format' | 'content' | 'tags'>[], createdBy: string): Promise<void> {
  const at = now();
  for (let i = 0; i < files.length; i += 200) {
    await db.insertInto('resource_file').values(files.slice(i, i + 200).map((f) => ({
      resource_id: resourceId, path: f.path, size: f.size, md5: f.md5, format: f.format, content: f.content, tags: f.tags, created_at: at, created_by: createdBy,
    }))).execute();
  }
}

/** Paths a resource already has, among the given ones. */
export async function existingPaths(db: Db, resourceId: number, paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < paths.length; i += 500) {
    const rows = await db.selectFrom('resource_file').select('path').where('resource_id', '=', resourceId).where('path', 'in', paths.slice(i, i + 500) as string[]).execute();
    out.push(...rows.map((r) => r.path));
  }
  return out;
}
