import type { Kysely } from 'kysely';
import type { DB } from '../db/database.js';
import type { Actor } from '../domain/actor.js';
import type { AuditEvent } from '../domain/audit.js';
import { listAuditEvents } from '../repositories/audit.repository.js';
import type { AccessService } from './access.service.js';

/** The activity feed: recent changes in the projects an actor can read (the home page's right column). */
export class ActivityService {
  constructor(private readonly db: Kysely<DB>, private readonly access: AccessService) {}

  async feed(actor: Actor, options: { limit: number; beforeId?: number; projectId?: string }): Promise<AuditEvent[]> {
    const readable = await this.access.readableProjectIds(actor);
    let projectIds = readable;
    if (options.projectId !== undefined) {
      const { project } = await this.access.requireProject(actor, options.projectId, 'read');
      projectIds = [project.id];
    }
    return listAuditEvents(this.db, { projectIds, beforeId: options.beforeId, limit: Math.min(Math.max(options.limit, 1), 500) });
  }
}
