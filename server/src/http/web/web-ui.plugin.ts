import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendIndexPage, type PageSession } from './index-page.js';
import { chooseEncoding, encodedBody, type WebAsset, type WebBundle } from './web-assets.js';
import { uiPathForXnatAppUrl } from './xnat-app-links.js';

/** Addresses the single-page app answers (web/src/app/routes.ts), besides `/`, which the core serves. */
export const UI_ROUTES = [
  '/login', '/logout', '/projects', '/projects/*', '/subjects/*', '/experiments/*',
  '/upload', '/prearchive', '/prearchive/*', '/download', '/transfers', '/transfers/*',
] as const;

export interface WebUiOptions {
  readonly bundle: WebBundle;
  readonly requireLogin: boolean;
}

/** The page's session details for the caller of this request. */
export function pageSession(request: FastifyRequest, csrfToken: string, requireLogin: boolean): PageSession {
  const actor = request.auth.actor;
  return { csrfToken, login: actor.kind === 'user' ? actor.login : null, requireLogin };
}

/**
 * Serves the built UI: hashed assets with long-lived caching (and br/gzip when accepted), the app's
 * HTML for every UI address (shareable URLs), and redirects from XNAT's `/app/...` page URLs.
 */
export function webUiPlugin(options: WebUiOptions) {
  return async (app: FastifyInstance): Promise<void> => {
    const { bundle, requireLogin } = options;
    for (const [url, asset] of bundle.files) {
      app.get(url, (request, reply) => sendAsset(request, reply, asset, url.startsWith('/assets/')));
    }
    const spa = (request: FastifyRequest, reply: FastifyReply) =>
      sendIndexPage(bundle, reply, pageSession(request, request.auth.session?.csrfToken ?? '', requireLogin));
    for (const url of UI_ROUTES) app.get(url, spa);
    const redirect = async (request: FastifyRequest, reply: FastifyReply) => {
      const target = uiPathForXnatAppUrl((request.raw.url ?? '/').split('?')[0] as string);
      await reply.redirect(target, 302);
    };
    app.get('/app', redirect);
    app.get('/app/*', redirect);
  };
}

async function sendAsset(request: FastifyRequest, reply: FastifyReply, asset: WebAsset, immutable: boolean): Promise<void> {
  reply
    .header('Cache-Control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
    .header('ETag', asset.etag)
    .header('Vary', 'Accept-Encoding')
    .header('X-Content-Type-Options', 'nosniff')
    .type(asset.type);
  if (request.headers['if-none-match'] === asset.etag) {
    await reply.code(304).send();
    return;
  }
  const encoding = chooseEncoding(asset, request.headers['accept-encoding']);
  const body = await encodedBody(asset, encoding);
  if (encoding !== 'identity') reply.header('Content-Encoding', encoding);
  reply.header('Content-Length', body.length);
  await reply.code(200).send(body);
}
