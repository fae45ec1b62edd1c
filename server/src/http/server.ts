import Fastify, { LogController, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import cookie from '@fastify/cookie';
import type { FileStore } from '../archive/file-store.js';
import type { Config } from '../config/config.js';
import { AppError, type ErrorCode } from '../domain/errors.js';
import type { Services } from '../services/services.js';
import { registerAuthHook, startSessionCookie, type AuthHookOptions } from './auth-hook.js';
import { HTTP_STATUS } from './error-status.js';
import { activityRoutes } from './routes/activity.routes.js';
import { schemasRoutes } from './routes/schemas.routes.js';
import { siteRoutes } from './routes/site.routes.js';
import { usersRoutes } from './routes/users.routes.js';
import type { FileDownloadFormats } from './xnat/resources.handlers.js';
import type { XnatRouter } from './xnat/router.js';
import { xnatPlugin } from './xnat/xnat-plugin.js';

/** Pieces other areas contribute to the HTTP server without editing it. */
export interface HttpExtensions {
  /** Handlers added to the XNAT /data router (import, prearchive, sharing...). */
  readonly xnat?: readonly ((router: XnatRouter) => void)[];
  /** Native routes (/xapi/...), registered as Fastify plugins. */
  readonly plugins?: readonly ((app: FastifyInstance) => Promise<void>)[];
  readonly downloads?: FileDownloadFormats;
  /** Serves `GET /` and the web UI; receives the CSRF token of the caller's session, if any. */
  readonly homePage?: (request: FastifyRequest, reply: FastifyReply, csrfToken: string) => Promise<void>;
}

export interface HttpServerOptions {
  readonly config: Config;
  readonly services: Services;
  readonly store: FileStore;
  readonly logger: boolean;
  readonly extensions?: HttpExtensions;
}

export async function createHttpServer(options: HttpServerOptions): Promise<FastifyInstance> {
  const { config, services, store } = options;
  const app = Fastify({
    logger: options.logger ? { level: config.logging.level } : false,
    bodyLimit: config.http.maxBodyBytes,
    routerOptions: { maxParamLength: 8192, ignoreDuplicateSlashes: true },
    requestTimeout: 0,
    // One line per request only when debugging; errors are always logged by the error handler.
    logController: new LogController({ disableRequestLogging: config.logging.level !== 'debug' && config.logging.level !== 'trace' }),
    return503OnClosing: true,
  });
  const authOptions: AuthHookOptions = {
    requireLogin: config.site.requireLogin,
    secureCookies: config.http.siteUrl?.startsWith('https:') ?? false,
    sessionTimeoutMinutes: config.auth.sessionTimeoutMinutes,
  };
  await app.register(cookie);
  registerAuthHook(app, services.auth, authOptions);
  app.setErrorHandler((error, request, reply) => sendError(error, request, reply));
  app.setNotFoundHandler((request, reply) => sendError(new AppError('not_found', 'The server has not found anything matching the request URI'), request, reply));

  await app.register(async (scope) => xnatPlugin(scope, {
    services, store, auth: authOptions, maxBodyBytes: config.http.maxBodyBytes, maxUploadBytes: config.http.maxUploadBytes,
    siteUrl: config.http.siteUrl, downloads: options.extensions?.downloads ?? {}, extensions: options.extensions?.xnat ?? [],
  }));
  await app.register(siteRoutes, { siteId: config.site.id });
  await app.register(schemasRoutes);
  await app.register(usersRoutes, { services });
  await app.register(activityRoutes, { services });
  for (const plugin of options.extensions?.plugins ?? []) await app.register(plugin);

  // GET / is the web UI's home. DXM scrapes `var csrfToken = '...'` from it after Basic auth,
  // and xnatpy's alias-token login reads the JSESSIONID cookie it sets.
  app.get('/', async (request, reply) => {
    let csrf = request.auth.session?.csrfToken ?? '';
    if (!csrf && request.auth.actor.kind === 'user' && request.auth.method === 'basic') {
      const user = await services.users.get(request.auth.actor, request.auth.actor.login);
      csrf = (await startSessionCookie(request, reply, services.auth, user, authOptions)).csrfToken;
    }
    if (options.extensions?.homePage) return options.extensions.homePage(request, reply, csrf);
    return reply.type('text/html; charset=utf-8').send(`<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>xnat-ts</title><script>var csrfToken = '${csrf}';</script></head><body><h1>xnat-ts</h1><p>The REST API is at <a href="/data/projects">/data/projects</a>.</p></body></html>\n`);
  });
  return app;
}

/**
 * The one place errors become responses. XNAT URLs get plain text (what pyxnat and xnatpy parse
 * best); native URLs get `{ error: { code, message, details } }`. Unexpected errors are logged once
 * and reported without internals.
 */
function sendError(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  let code: ErrorCode;
  let message: string;
  let details: Record<string, unknown> | undefined;
  if (error instanceof AppError) {
    ({ code, message, details } = error);
    if (code === 'internal') request.log.error({ err: error }, message);
  } else {
    const fe = error as FastifyError;
    const status = fe.statusCode ?? 500;
    if (status === 413) code = 'payload_too_large';
    else if (status === 415) code = 'unsupported_media_type';
    else if (status >= 400 && status < 500) code = status === 404 ? 'not_found' : status === 403 ? 'forbidden' : 'invalid_input';
    else code = 'internal';
    message = code === 'internal' ? `Internal server error (request ${request.id})` : fe.message;
    if (code === 'internal') request.log.error({ err: error }, 'unexpected error');
  }
  const status = HTTP_STATUS[code];
  if (reply.sent || reply.raw.headersSent) {
    // The body was already streaming: cut the connection so the client sees a broken transfer, not a short file.
    reply.raw.destroy(error instanceof Error ? error : undefined);
    return;
  }
  if (code === 'unauthenticated') reply.header('WWW-Authenticate', 'Basic realm="XNAT Protected Area"');
  if (/^\/xapi\//.test(request.url)) return reply.code(status).type('application/json; charset=utf-8').send({ error: { code, message, ...(details && { details }) } });
  return reply.code(status).type('text/plain; charset=utf-8').send(message);
}
