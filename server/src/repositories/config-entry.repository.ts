import type { Db } from '../db/database.js';
import { now } from './field-columns.js';

export interface ConfigEntry {
  readonly tool: string;
  readonly path: string;
  /** '' for site-wide documents. */
  readonly projectId: string;
  readonly contents: string;
  readonly status: 'enabled' | 'disabled';
  readonly reason: string | null;
  readonly version: number;
  readonly createdAt: string;
  readonly createdBy: string;
}

export async function findConfigEntry(db: Db, tool: string, path: string, projectId: string): Promise<ConfigEntry | undefined> {
  const r = await db.selectFrom('config_entry').selectAll()
    .where('tool', '=', tool).where('path', '=', path).where('project_id', '=', projectId)
    .orderBy('version', 'desc').limit(1).executeTakeFirst();
  return r && {
    tool: r.tool, path: r.path, projectId: r.project_id, contents: r.contents, status: r.status as ConfigEntry['status'],
    reason: r.reason, version: r.version, createdAt: r.created_at, createdBy: r.created_by,
  };
}

export async function listConfigEntries(db: Db, projectId: string, tool?: string): Promise<ConfigEntry[]> {
  let q = db.selectFrom('config_entry').selectAll().where('project_id', '=', projectId).orderBy('tool').orderBy('path').orderBy('version', 'desc');
  if (tool) q = q.where('tool', '=', tool);
  const rows = await q.execute();
  const latest = new Map<string, ConfigEntry>();
  for (const r of rows) {
    const key = `${r.tool}\u0000${r.path}`;
    if (!latest.has(key)) {
      latest.set(key, { tool: r.tool, path: r.path, projectId: r.project_id, contents: r.contents, status: r.status as ConfigEntry['status'], reason: r.reason, version: r.version, createdAt: r.created_at, createdBy: r.created_by });
    }
  }
  return [...latest.values()];
}

export async function insertConfigVersion(db: Db, e: Omit<ConfigEntry, 'createdAt' | 'version'>): Promise<number> {
  const previous = await findConfigEntry(db, e.tool, e.path, e.projectId);
  const version = (previous?.version ?? 0) + 1;
  await db.insertInto('config_entry').values({
    tool: e.tool, path: e.path, project_id: e.projectId, contents: e.contents, status: e.status, reason: e.reason,
    version, created_at: now(), created_by: e.createdBy,
  }).execute();
  return version;
}
