import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import multipart from '@fastify/multipart';
import type { FileStore } from '../../archive/file-store.js';
import { AppError } from '../../domain/errors.js';
import type { Services } from '../../services/services.js';
import type { AuthHookOptions } from '../auth-hook.js';
import { registerAuthRoutes } from './auth.handlers.js';
import { registerConfigRoutes } from './config.handlers.js';
import { makeContext } from './context.js';
import { registerExperimentRoutes } from './experiments.handlers.js';
import { registerProjectRoutes } from './projects.handlers.js';
import { registerResourceRoutes, type FileDownloadFormats } from './resources.handlers.js';
import { XnatRouter } from './router.js';
import { registerScanRoutes } from './scans.handlers.js';
import { registerSubjectRoutes } from './subjects.handlers.js';
import { registerSupportRoutes } from './support.handlers.js';
import { parseXnatPath } from './xnat-path.js';

export interface XnatPluginOptions {
  readonly services: Services;
  readonly store: FileStore;
  readonly auth: AuthHookOptions & { requireLogin: boolean };
  readonly maxBodyBytes: number;
  readonly maxUploadBytes: number;
  readonly siteUrl: string | null;
  readonly downloads: FileDownloadFormats;
  /** Extra route modules (prearchive, import, sharing...) that add their handlers to the router. */
  readonly extensions: readonly ((router: XnatRouter) => void)[];
}

/** Builds the router with every area's handlers. */
export function buildXnatRouter(options: XnatPluginOptions): XnatRouter {
  const router = new XnatRouter();
  registerProjectRoutes(router, options.maxBodyBytes);
  registerSubjectRoutes(router, options.maxBodyBytes);
  registerExperimentRoutes(router, options.maxBodyBytes);
  registerScanRoutes(router);
  registerResourceRoutes(router, options.store, options.downloads);
  registerConfigRoutes(router, options.maxBodyBytes);
  registerAuthRoutes(router, { ...options.auth, maxBodyBytes: options.maxBodyBytes });
  registerSupportRoutes(router);
  for (const extend of options.extensions) extend(router);
  return router;
}

/**
 * XNAT's REST API under `/data` and `/REST` (and `/data/archive/...` for archive URLs). Bodies are
 * left unread for handlers to stream (uploads) or read (forms, XML); multipart is parsed on demand.
 */
export async function xnatPlugin(app: FastifyInstance, options: XnatPluginOptions): Promise<void> {
  const router = buildXnatRouter(options);
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
  await app.register(multipart, { limits: { fileSize: options.maxUploadBytes, files: 10_000, fieldSize: options.maxBodyBytes } });

  const handle = async (request: FastifyRequest, reply: FastifyReply) => {
    const pathname = (request.raw.url ?? '').split('?')[0] as string;
    const segments = pathname.split('/').slice(2).map(decodeSegment);
    const ctx = makeContext(request, reply, options.services, segments, options.siteUrl);
    const method = request.method === 'HEAD' ? 'GET' : request.method;
    const special = router.findSpecial(segments);
    if (special) return special.handler(ctx, special.rest);
    const archive = segments[0] === 'archive' ? segments.slice(1) : segments;
    const target = parseXnatPath(archive);
    if (!target) throw new AppError('not_found', 'The server has not found anything matching the request URI');
    if (target.t === 'invalid') throw new AppError('invalid_input', target.message);
    if (target.t === 'unsupported') throw new AppError('not_implemented', `${target.what} is not supported by this server yet`);
    const handler = router.handlersFor(target.t)?.[method as 'GET'];
    if (!handler) throw new AppError(router.handlersFor(target.t) ? 'invalid_input' : 'not_implemented', `${request.method} is not supported on this URL`);
    await handler(ctx, target as never);
  };
  for (const mount of ['/data', '/REST']) {
    app.route({ method: ['GET', 'HEAD', 'PUT', 'POST', 'DELETE'], url: `${mount}/*`, handler: handle });
    app.route({ method: ['GET', 'HEAD', 'PUT', 'POST', 'DELETE'], url: mount, handler: (_req, reply) => reply.code(404).type('text/plain').send('The server has not found anything matching the request URI') });
  }
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new AppError('invalid_input', `Malformed URL segment '${segment}'`);
  }
}
