import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../db/database.js';
import type { Actor } from '../domain/actor.js';
import type { User } from '../domain/entities.js';
import { AppError, forbidden, notFound, unauthenticated } from '../domain/errors.js';
import { looksLikeAlias } from '../domain/passwords.js';
import {
  deleteExpiredLoginSessions, deleteLoginSession, disableAliasToken, extendLoginSession, findAliasToken, findLoginSession,
  insertAliasToken, insertLoginSession, listAliasTokens, type AliasToken,
} from '../repositories/login-session.repository.js';
import { findPasswordHash, findUserById, findUserByLogin, recordLogin } from '../repositories/user.repository.js';
import { verifyPassword } from './password-hash.js';

export interface LoginSessionInfo {
  readonly id: string;
  readonly csrfToken: string;
  readonly expiresAt: string;
}

export interface IssuedToken {
  readonly alias: string;
  readonly secret: string;
  readonly login: string;
  readonly createdAt: string;
  readonly expiresAt: string;
}

/** How long a verified Basic-auth credential is remembered, so scripts sending it on every request stay fast. */
const CREDENTIAL_CACHE_MS = 60_000;

/**
 * Logins: passwords and alias tokens (HTTP Basic on any request), login sessions behind the
 * JSESSIONID cookie, and CSRF tokens for browser writes.
 */
export class AuthService {
  private readonly cacheKey = crypto.randomBytes(32);
  private readonly verified = new Map<string, { userId: number; until: number }>();

  constructor(
    private readonly db: Kysely<DB>,
    private readonly settings: { readonly sessionTimeoutMinutes: number; readonly aliasTokenHours: number },
  ) {}

  /** Checks a username/password pair (or alias/secret pair); undefined when wrong. */
  async verifyCredentials(login: string, password: string): Promise<User | undefined> {
    const key = crypto.createHmac('sha256', this.cacheKey).update(`${login}\u0000${password}`).digest('base64');
    const cached = this.verified.get(key);
    if (cached && cached.until > Date.now()) {
      const user = await findUserById(this.db, cached.userId);
      if (user?.enabled) return user;
    }
    const user = looksLikeAlias(login) ? await this.verifyAlias(login, password) : await this.verifyPassword(login, password);
    if (user) {
      if (this.verified.size > 10_000) this.verified.clear();
      this.verified.set(key, { userId: user.id, until: Date.now() + CREDENTIAL_CACHE_MS });
    }
    return user;
  }

  private async verifyPassword(login: string, password: string): Promise<User | undefined> {
    const found = await findPasswordHash(this.db, login);
    if (!found || !found.user.enabled) return undefined;
    return (await verifyPassword(password, found.hash)) ? found.user : undefined;
  }

  private async verifyAlias(alias: string, secret: string): Promise<User | undefined> {
    const token = await findAliasToken(this.db, alias);
    if (!token || !token.enabled || token.expiresAt < new Date().toISOString()) return undefined;
    if (!crypto.timingSafeEqual(Buffer.from(sha256(secret)), Buffer.from(token.secretHash))) return undefined;
    if (token.singleUse) await disableAliasToken(this.db, alias);
    const user = await findUserById(this.db, token.userId);
    return user?.enabled ? user : undefined;
  }

  /** Forgets remembered credentials (after a password change or a user is disabled). */
  forgetCredentials(): void {
    this.verified.clear();
  }

  async startSession(user: User): Promise<LoginSessionInfo> {
    const at = new Date();
    const session = {
      id: crypto.randomBytes(16).toString('hex').toUpperCase(),
      userId: user.id,
      csrfToken: crypto.randomUUID(),
      expiresAt: this.expiryFrom(at),
    };
    await insertLoginSession(this.db, { ...session, createdAt: at.toISOString() });
    await recordLogin(this.db, user.id);
    return session;
  }

  /** The actor behind a session cookie, extending the session; undefined if unknown or expired. */
  async resumeSession(id: string): Promise<{ user: User; session: LoginSessionInfo } | undefined> {
    const session = await findLoginSession(this.db, id);
    const now = new Date();
    if (!session || session.expiresAt < now.toISOString()) return undefined;
    const user = await findUserById(this.db, session.userId);
    if (!user?.enabled) return undefined;
    // Extend at most once a minute so busy clients do not write on every request.
    const extended = this.expiryFrom(now);
    if (Date.parse(extended) - Date.parse(session.expiresAt) > 60_000) await extendLoginSession(this.db, id, now.toISOString(), extended);
    return { user, session: { id: session.id, csrfToken: session.csrfToken, expiresAt: extended } };
  }

  async endSession(id: string): Promise<void> {
    await deleteLoginSession(this.db, id);
  }

  async purgeExpired(): Promise<void> {
    await deleteExpiredLoginSessions(this.db, new Date().toISOString());
  }

  private expiryFrom(at: Date): string {
    return new Date(at.getTime() + this.settings.sessionTimeoutMinutes * 60_000).toISOString();
  }

  // --- alias tokens (XNAT's /data/services/tokens) ---

  /** Issues a token for the actor, or (site admins only) for another user. */
  async issueToken(actor: Actor, forLogin?: string): Promise<IssuedToken> {
    if (actor.kind !== 'user') throw forbidden('Guests cannot have tokens');
    let userId = actor.userId;
    let login = actor.login;
    if (forLogin !== undefined && forLogin !== actor.login) {
      if (!actor.isAdmin) throw forbidden('Only site administrators can issue tokens for other users');
      const user = await findUserByLogin(this.db, forLogin);
      if (!user) throw notFound(`Unknown user: ${forLogin}`);
      userId = user.id;
      login = user.login;
    }
    const secret = crypto.randomBytes(48).toString('base64').replace(/[^A-Za-z0-9]/g, '').slice(0, 64).padEnd(64, '0');
    const createdAt = new Date();
    const token: AliasToken = {
      alias: crypto.randomUUID(), userId, secretHash: sha256(secret), singleUse: false, enabled: true,
      createdAt: createdAt.toISOString(), expiresAt: new Date(createdAt.getTime() + this.settings.aliasTokenHours * 3_600_000).toISOString(),
    };
    await insertAliasToken(this.db, token);
    return { alias: token.alias, secret, login, createdAt: token.createdAt, expiresAt: token.expiresAt };
  }

  async listTokens(actor: Actor, forLogin?: string): Promise<(AliasToken & { login: string })[]> {
    if (actor.kind !== 'user') throw forbidden('Guests cannot have tokens');
    let userId = actor.userId;
    let login = actor.login;
    if (forLogin !== undefined && forLogin !== actor.login) {
      if (!actor.isAdmin) throw forbidden('Only site administrators can list tokens of other users');
      const user = await findUserByLogin(this.db, forLogin);
      if (!user) throw notFound(`Unknown user: ${forLogin}`);
      userId = user.id;
      login = user.login;
    }
    return (await listAliasTokens(this.db, userId)).map((t) => ({ ...t, login }));
  }

  /** The login a token belongs to, or null when the alias/secret pair is not valid. */
  async validateToken(alias: string, secret: string): Promise<string | null> {
    const user = await this.verifyAlias(alias, secret);
    return user ? user.login : null;
  }

  async invalidateToken(actor: Actor, alias: string): Promise<void> {
    if (actor.kind !== 'user') throw unauthenticated();
    const token = await findAliasToken(this.db, alias);
    if (!token) throw notFound(`Unknown token ${alias}`);
    if (token.userId !== actor.userId && !actor.isAdmin) throw new AppError('forbidden', 'This token belongs to another user');
    await disableAliasToken(this.db, alias);
    this.forgetCredentials();
  }
}

function sha256(value: string): string {
  return crypto.createHash('sha256').update(value).digest('hex');
}
