import type { User } from '../../domain/entities.js';
import { AppError, invalidInput, unauthenticated } from '../../domain/errors.js';
import { startSessionCookie, type AuthHookOptions } from '../auth-hook.js';
import { Params } from '../params.js';
import { readBodyText, readFormBody } from './body.js';
import { sendTable, sendText, type XnatContext } from './context.js';
import type { XnatRouter } from './router.js';

/** Login sessions, the logged-in check, alias tokens and user listings (xnat-api.md §6). */
export function registerAuthRoutes(router: XnatRouter, options: AuthHookOptions & { requireLogin: boolean; maxBodyBytes: number }): void {
  const currentUser = async (ctx: XnatContext): Promise<User> => {
    if (ctx.actor.kind !== 'user') throw unauthenticated();
    const user = await ctx.services.users.get(ctx.actor, ctx.actor.login);
    return user;
  };
  const sessionFor = async (ctx: XnatContext) => ctx.request.auth.session ?? startSessionCookie(ctx.request, ctx.reply, ctx.services.auth, await currentUser(ctx), options);
  const withCsrf = (ctx: XnatContext, text: string, token: string) => (ctx.params.bool('CSRF') ? `${text}; XNAT_CSRF=${token}` : text);

  router.special(['JSESSION'], async (ctx) => {
    if (ctx.method === 'DELETE') {
      if (ctx.request.auth.session) await ctx.services.auth.endSession(ctx.request.auth.session.id);
      ctx.reply.clearCookie('JSESSIONID', { path: '/' });
      return sendText(ctx, 200, '');
    }
    if (ctx.actor.kind !== 'user') {
      if (options.requireLogin) throw unauthenticated();
      return sendText(ctx, 200, '');
    }
    const session = await sessionFor(ctx);
    await sendText(ctx, 200, withCsrf(ctx, session.id, session.csrfToken));
  });

  router.special(['services', 'auth'], async (ctx) => {
    if (ctx.method !== 'PUT' && ctx.method !== 'POST') throw new AppError('invalid_input', 'Log in with PUT or POST and a form body username=...&password=...');
    const type = ctx.request.headers['content-type'] ?? '';
    const form = /json/i.test(type)
      ? new Params(JSON.parse((await readBodyText(ctx.request, options.maxBodyBytes)) || '{}') as Record<string, unknown>)
      : new Params(await readFormBody(ctx.request, options.maxBodyBytes), ctx.request.query as Record<string, unknown>);
    const login = form.first('username', 'j_username');
    const password = form.first('password', 'j_password');
    if (!login || password === undefined) throw invalidInput('Send username and password as form fields');
    const user = await ctx.services.auth.verifyCredentials(login, password);
    if (!user) return sendText(ctx, 401, 'Authentication failed.');
    const session = await startSessionCookie(ctx.request, ctx.reply, ctx.services.auth, user, options);
    await sendText(ctx, 200, session.id);
  });

  router.special(['auth'], async (ctx) => {
    if (ctx.actor.kind !== 'user') throw unauthenticated();
    const session = await sessionFor(ctx);
    await sendText(ctx, 200, withCsrf(ctx, `User '${ctx.actor.login}' is logged in`, session.csrfToken));
  });

  router.special(['services', 'tokens'], async (ctx, rest) => {
    const [action, a, b] = rest;
    const auth = ctx.services.auth;
    switch (action) {
      case 'issue': {
        const token = await auth.issueToken(ctx.actor, a === 'user' ? b : undefined);
        return sendJson(ctx, tokenJson(token.alias, token.secret, token.login, token.createdAt, token.expiresAt));
      }
      case 'show': {
        const tokens = await auth.listTokens(ctx.actor, a === 'user' ? b : undefined);
        return sendJson(ctx, tokens.map((t) => ({ ...tokenJson(t.alias, '', t.login, t.createdAt, t.expiresAt), enabled: t.enabled, secret: undefined })));
      }
      case 'validate': {
        if (!a || !b) throw unauthenticated('Both the alias and the secret are needed: /tokens/validate/{alias}/{secret}');
        return sendJson(ctx, { valid: await auth.validateToken(a, b) });
      }
      case 'invalidate': {
        if (!a) throw invalidInput('Name the token: /tokens/invalidate/{alias}');
        await auth.invalidateToken(ctx.actor, a);
        return sendJson(ctx, { result: 'OK' });
      }
      default: throw new AppError('not_found', `Unknown token action '${action ?? ''}'`);
    }
  });

  router.special(['users'], async (ctx) => {
    const users = await ctx.services.users.directory(ctx.actor);
    await sendTable(ctx, {
      columns: ['xdat_user_id', 'login', 'firstname', 'lastname', 'email'],
      rows: users.map((u) => ({ xdat_user_id: String(u.id), login: u.login, firstname: u.firstName, lastname: u.lastName, email: u.email })),
      totalRecords: true,
    });
  });

  router.special(['user'], async (ctx, rest) => {
    const login = rest[0] ?? (ctx.actor.kind === 'user' ? ctx.actor.login : undefined);
    if (!login) throw unauthenticated();
    const user = await ctx.services.users.get(ctx.actor, login);
    await sendTable(ctx, {
      columns: ['xdat_user_id', 'login', 'firstname', 'lastname', 'email', 'enabled', 'verified', 'admin', 'last_login'],
      rows: [{ xdat_user_id: String(user.id), login: user.login, firstname: user.firstName, lastname: user.lastName, email: user.email, enabled: String(user.enabled), verified: String(user.verified), admin: String(user.isAdmin), last_login: user.lastLoginAt ?? '' }],
    });
  });
}

function tokenJson(alias: string, secret: string, login: string, created: string, expires: string) {
  return {
    alias, secret, xdatUserId: login, estimatedExpirationTime: Date.parse(expires), singleUse: false, validIPAddresses: [],
    enabled: true, created: Date.parse(created), timestamp: Date.parse(created), disabled: 0, id: 0,
  };
}

async function sendJson(ctx: XnatContext, body: unknown): Promise<void> {
  await ctx.reply.code(200).type('application/json; charset=utf-8').send(JSON.stringify(body));
}
