import type { FastifyInstance } from 'fastify';
import { invalidInput } from '../../domain/errors.js';
import type { Services } from '../../services/services.js';

/** The activity feed: recent changes in projects the caller can read, newest first. */
export async function activityRoutes(app: FastifyInstance, options: { services: Services }): Promise<void> {
  app.get<{ Querystring: { limit?: string; before?: string; project?: string } }>('/xapi/activity', async (request) => {
    const limit = request.query.limit === undefined ? 50 : Number(request.query.limit);
    const before = request.query.before === undefined ? undefined : Number(request.query.before);
    if (!Number.isSafeInteger(limit) || limit < 1) throw invalidInput(`Invalid limit '${request.query.limit}'`);
    if (before !== undefined && !Number.isSafeInteger(before)) throw invalidInput(`Invalid before '${request.query.before}'`);
    const events = await options.services.activity.feed(request.auth.actor, { limit, beforeId: before, projectId: request.query.project });
    return { events };
  });
}
