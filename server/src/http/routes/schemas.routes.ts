import type { FastifyInstance, FastifyReply } from 'fastify';
import { AppError } from '../../domain/errors.js';
import { schemaNames, schemaText } from '../../schemas/schema-catalog.js';

/**
 * XNAT's schema API (xnat-api.md §10): the list of data-model schemas and each XSD, which xnatpy
 * reads at connect time to build its classes. `.xsd` suffixes are accepted, as XNAT's file paths have them.
 */
export async function schemasRoutes(app: FastifyInstance): Promise<void> {
  app.get('/xapi/schemas', async () => schemaNames());
  app.get<{ Params: { name: string } }>('/xapi/schemas/:name', async (request, reply) => sendSchema(reply, request.params.name));
  app.get<{ Params: { namespace: string; name: string } }>('/xapi/schemas/:namespace/:name', async (request, reply) =>
    sendSchema(reply, `${request.params.namespace}/${request.params.name}`));
}

function sendSchema(reply: FastifyReply, requested: string) {
  const name = requested.replace(/\.xsd$/i, '');
  const text = schemaText(name);
  if (text === undefined) throw new AppError('not_found', `No schema '${name}': this server publishes ${schemaNames().join(', ')}`);
  return reply.type('application/xml; charset=utf-8').send(text);
}
