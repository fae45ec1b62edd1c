import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GUEST, type Actor } from '../domain/actor.js';
import type { User } from '../domain/entities.js';
import type { AuthService, LoginSessionInfo } from '../services/auth.service.js';
import './request-context.js';

export const SESSION_COOKIE = 'JSESSIONID';

/** URLs anyone may call without logging in (XNAT's configured-urls.yaml, plus the web UI). */
const OPEN = [
  /^\/(data|REST)\/JSESSION\/?$/,
  /^\/(data|REST)\/services\/auth\/?$/,
  /^\/(data|REST)\/version\/?$/,
  /^\/xapi\/siteConfig\/(buildInfo|uptime|siteId|siteUrl)\/?$/,
];

/** Everything outside the APIs is the web UI and its assets; the UI logs in through the API. */
const API = /^\/(data|REST|xapi)(\/|$)/;

export interface AuthHookOptions {
  readonly requireLogin: boolean;
  readonly secureCookies: boolean;
  readonly sessionTimeoutMinutes: number;
}

const toActor = (user: User): Actor => ({ kind: 'user', userId: user.id, login: user.login, isAdmin: user.isAdmin });

/**
 * Works out who is calling: the JSESSIONID cookie, else HTTP Basic (password or alias token), else
 * a guest. Refuses anonymous API calls when the site requires login, and checks the CSRF token on
 * browser writes made with a session cookie (XNAT's rule: scripts using Basic auth are exempt).
 */
export function registerAuthHook(app: FastifyInstance, auth: AuthService, options: AuthHookOptions): void {
  app.decorateRequest('auth', null as never);
  app.addHook('onRequest', async (request, reply) => {
    const path = request.url.split('?')[0] as string;
    const cookie = request.cookies?.[SESSION_COOKIE];
    if (cookie) {
      const resumed = await auth.resumeSession(cookie);
      if (resumed) {
        request.auth = { actor: toActor(resumed.user), method: 'session', session: resumed.session };
        if (!csrfOk(request, resumed.session)) {
          return reply.code(403).type('text/plain; charset=utf-8').send('Missing or invalid CSRF token: send the XNAT_CSRF parameter or the X-CSRF-Token header');
        }
        return;
      }
    }
    const basic = parseBasic(request.headers.authorization);
    if (basic) {
      const user = await auth.verifyCredentials(basic.login, basic.password);
      if (!user) return unauthorized(reply, 'Authentication failed: wrong username, password or token');
      request.auth = { actor: toActor(user), method: 'basic' };
      return;
    }
    request.auth = { actor: GUEST, method: 'none' };
    if (options.requireLogin && API.test(path) && !OPEN.some((re) => re.test(path))) {
      return unauthorized(reply, 'The request requires user authentication');
    }
  });
}

function unauthorized(reply: FastifyReply, message: string) {
  return reply.code(401).header('WWW-Authenticate', 'Basic realm="XNAT Protected Area"').type('text/plain; charset=utf-8').send(message);
}

function parseBasic(header: string | undefined): { login: string; password: string } | undefined {
  const m = /^Basic\s+(.+)$/i.exec(header ?? '');
  if (!m) return undefined;
  const decoded = Buffer.from(m[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { login: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** Browsers writing with a session cookie must echo the session's CSRF token. */
function csrfOk(request: FastifyRequest, session: LoginSessionInfo): boolean {
  if (request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS') return true;
  const agent = request.headers['user-agent'] ?? '';
  const isBrowser = /Mozilla|Chrome|Safari|Firefox|Edg\//.test(agent) && !/XNATDesktopClient|java/i.test(agent);
  if (!isBrowser) return true;
  const query = request.query as Record<string, unknown> | undefined;
  const sent = request.headers['x-csrf-token'] ?? query?.XNAT_CSRF;
  return sent === session.csrfToken;
}

/** Starts a login session for the caller and sets the cookies XNAT clients read. */
export async function startSessionCookie(request: FastifyRequest, reply: FastifyReply, auth: AuthService, user: User, options: AuthHookOptions): Promise<LoginSessionInfo> {
  const session = await auth.startSession(user);
  request.auth.session = session;
  setSessionCookies(reply, session, options);
  return session;
}

export function setSessionCookies(reply: FastifyReply, session: LoginSessionInfo, options: AuthHookOptions): void {
  reply.setCookie(SESSION_COOKIE, session.id, { path: '/', httpOnly: true, sameSite: 'lax', secure: options.secureCookies });
  // xnatpy times its keep-alive from this cookie: "<now ms>,<timeout ms>", quotes included.
  reply.setCookie('SESSION_EXPIRATION_TIME', `"${Date.now()},${options.sessionTimeoutMinutes * 60_000}"`, { path: '/', secure: options.secureCookies, encode: (v) => v });
}
