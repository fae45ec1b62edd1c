import type { Db } from '../../db/database.js';
import type { Actor } from '../../domain/actor.js';
import type { AuditAction } from '../../domain/audit.js';
import { audit } from '../audit.js';

/**
 * Records a sharing event in both projects it concerns, so each project's activity feed shows it:
 * the owner sees what left, the destination what arrived.
 */
export async function auditBothProjects(db: Db, actor: Actor, e: {
  action: AuditAction; entityType: 'subject' | 'experiment'; entityId: string; label: string;
  ownerProjectId: string; destinationProjectId: string; reason?: string; details: Record<string, unknown>;
}): Promise<void> {
  const base = { action: e.action, entityType: e.entityType, entityId: e.entityId, label: e.label, reason: e.reason };
  const details = { owner: e.ownerProjectId, destination: e.destinationProjectId, ...e.details };
  await audit(db, actor, { ...base, projectId: e.destinationProjectId, details });
  if (e.ownerProjectId !== e.destinationProjectId) await audit(db, actor, { ...base, projectId: e.ownerProjectId, details });
}
