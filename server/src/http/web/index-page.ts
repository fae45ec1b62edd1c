import { randomBytes } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import type { WebBundle } from './web-assets.js';

/** Where the built index.html receives the per-request bootstrap script (see web/index.html). */
export const BOOTSTRAP_PLACEHOLDER = '<!--xnat-ts-bootstrap-->';

export interface PageSession {
  readonly csrfToken: string;
  /** The logged-in user's login, or null for anonymous visitors. */
  readonly login: string | null;
  readonly requireLogin: boolean;
}

/**
 * Serves the single-page app's HTML for any UI address. The page carries the caller's CSRF token as
 * `var csrfToken = '...';` (the XNAT Desktop Client scrapes exactly that line from `GET /`) and who
 * is logged in, so the first screen renders without a round trip.
 */
export async function sendIndexPage(bundle: WebBundle, reply: FastifyReply, session: PageSession): Promise<void> {
  const nonce = randomBytes(16).toString('base64');
  const script = `<script nonce="${nonce}">${bootstrapScript(session)}</script>`;
  reply
    .header('Cache-Control', 'no-store')
    .header('X-Content-Type-Options', 'nosniff')
    .header('Referrer-Policy', 'same-origin')
    .header('Content-Security-Policy', contentSecurityPolicy(nonce))
    .type('text/html; charset=utf-8');
  if (!bundle.indexHtml) {
    await reply.code(200).send(notBuiltPage(script, bundle.dir));
    return;
  }
  const html = bundle.indexHtml.includes(BOOTSTRAP_PLACEHOLDER)
    ? bundle.indexHtml.replace(BOOTSTRAP_PLACEHOLDER, script)
    : bundle.indexHtml.replace('</head>', `${script}</head>`);
  await reply.code(200).send(html);
}

export function bootstrapScript(session: PageSession): string {
  // Values are JSON-encoded with `<` escaped, so nothing a user controls can close the script tag.
  const token = /^[A-Za-z0-9_-]*$/.test(session.csrfToken) ? session.csrfToken : '';
  const state = JSON.stringify({ login: session.login, requireLogin: session.requireLogin }).replace(/</g, '\\u003c');
  return `var csrfToken = '${token}';\nvar xnatTsSession = ${state};`;
}

function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'self'", `script-src 'self' 'nonce-${nonce}'`, "style-src 'self' 'unsafe-inline'", "img-src 'self' data:",
    "connect-src 'self'", "object-src 'none'", "base-uri 'self'", "form-action 'self'", "frame-ancestors 'self'",
  ].join('; ');
}

function notBuiltPage(script: string, dir: string): string {
  return `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>xnat-ts</title>${script}</head><body>`
    + '<h1>xnat-ts</h1><p>The web interface is not built on this server: run <code>npm run build</code> '
    + `(it writes ${escapeHtml(dir)}). The REST API is at <a href="/data/projects">/data/projects</a>.</p></body></html>\n`;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
