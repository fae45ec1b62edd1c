import type { Db } from '../db/database.js';
import type { Actor } from '../domain/actor.js';
import { loginOf } from '../domain/actor.js';
import type { NewAuditEvent } from '../domain/audit.js';
import { insertAuditEvent } from '../repositories/audit.repository.js';

/** Records an audit event inside the caller's transaction, so the event exists exactly when the change does. */
export function audit(db: Db, actor: Actor, event: Omit<NewAuditEvent, 'actor'>): Promise<void> {
  return insertAuditEvent(db, { ...event, actor: loginOf(actor) });
}
