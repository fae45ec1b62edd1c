import type { Db } from '../db/database.js';
import type { AuditEvent, NewAuditEvent } from '../domain/audit.js';
import { now } from './field-columns.js';

export async function insertAuditEvent(db: Db, e: NewAuditEvent): Promise<void> {
  await db.insertInto('audit_event').values({
    at: now(), actor: e.actor, action: e.action, entity_type: e.entityType, entity_id: e.entityId,
    project_id: e.projectId ?? null, label: e.label ?? null, reason: e.reason ?? null,
    details: e.details ? JSON.stringify(e.details) : null,
  }).execute();
}

export interface AuditQuery {
  /** Events in these projects (undefined: all projects; site-level events have no project). */
  readonly projectIds?: readonly string[];
  readonly actor?: string;
  readonly beforeId?: number;
  readonly limit: number;
}

export async function listAuditEvents(db: Db, q: AuditQuery): Promise<AuditEvent[]> {
  if (q.projectIds && q.projectIds.length === 0) return [];
  let query = db.selectFrom('audit_event').selectAll().orderBy('id', 'desc').limit(q.limit);
  if (q.projectIds) query = query.where('project_id', 'in', q.projectIds as string[]);
  if (q.actor) query = query.where('actor', '=', q.actor);
  if (q.beforeId !== undefined) query = query.where('id', '<', q.beforeId);
  const rows = await query.execute();
  return rows.map((r) => ({
    id: r.id, at: r.at, actor: r.actor, action: r.action as AuditEvent['action'], entityType: r.entity_type as AuditEvent['entityType'],
    entityId: r.entity_id, projectId: r.project_id, label: r.label, reason: r.reason,
    details: r.details ? (JSON.parse(r.details) as Record<string, unknown>) : null,
  }));
}
