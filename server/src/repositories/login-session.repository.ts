import type { Db } from '../db/database.js';
import { bool, int } from './field-columns.js';

export interface LoginSession {
  readonly id: string;
  readonly userId: number;
  readonly csrfToken: string;
  readonly expiresAt: string;
}

export async function insertLoginSession(db: Db, s: LoginSession & { createdAt: string }): Promise<void> {
  await db.insertInto('user_session').values({
    id: s.id, user_id: s.userId, csrf_token: s.csrfToken, created_at: s.createdAt, last_seen_at: s.createdAt, expires_at: s.expiresAt,
  }).execute();
}

export async function findLoginSession(db: Db, id: string): Promise<LoginSession | undefined> {
  const r = await db.selectFrom('user_session').selectAll().where('id', '=', id).executeTakeFirst();
  return r && { id: r.id, userId: r.user_id, csrfToken: r.csrf_token, expiresAt: r.expires_at };
}

export async function extendLoginSession(db: Db, id: string, seenAt: string, expiresAt: string): Promise<void> {
  await db.updateTable('user_session').set({ last_seen_at: seenAt, expires_at: expiresAt }).where('id', '=', id).execute();
}

export async function deleteLoginSession(db: Db, id: string): Promise<void> {
  await db.deleteFrom('user_session').where('id', '=', id).execute();
}

export async function deleteLoginSessionsOfUser(db: Db, userId: number): Promise<void> {
  await db.deleteFrom('user_session').where('user_id', '=', userId).execute();
}

export async function deleteExpiredLoginSessions(db: Db, at: string): Promise<void> {
  await db.deleteFrom('user_session').where('expires_at', '<', at).execute();
  await db.deleteFrom('alias_token').where('expires_at', '<', at).execute();
}

export interface AliasToken {
  readonly alias: string;
  readonly userId: number;
  readonly secretHash: string;
  readonly singleUse: boolean;
  readonly enabled: boolean;
  readonly createdAt: string;
  readonly expiresAt: string;
}

export async function insertAliasToken(db: Db, t: AliasToken): Promise<void> {
  await db.insertInto('alias_token').values({
    alias: t.alias, user_id: t.userId, secret_hash: t.secretHash, single_use: int(t.singleUse), enabled: int(t.enabled),
    created_at: t.createdAt, expires_at: t.expiresAt,
  }).execute();
}

const toToken = (r: { alias: string; user_id: number; secret_hash: string; single_use: number; enabled: number; created_at: string; expires_at: string }): AliasToken => ({
  alias: r.alias, userId: r.user_id, secretHash: r.secret_hash, singleUse: bool(r.single_use), enabled: bool(r.enabled),
  createdAt: r.created_at, expiresAt: r.expires_at,
});

export async function findAliasToken(db: Db, alias: string): Promise<AliasToken | undefined> {
  const r = await db.selectFrom('alias_token').selectAll().where('alias', '=', alias).executeTakeFirst();
  return r && toToken(r);
}

export async function listAliasTokens(db: Db, userId: number): Promise<AliasToken[]> {
  const rows = await db.selectFrom('alias_token').selectAll().where('user_id', '=', userId).orderBy('created_at').execute();
  return rows.map(toToken);
}

export async function disableAliasToken(db: Db, alias: string): Promise<void> {
  await db.updateTable('alias_token').set({ enabled: 0 }).where('alias', '=', alias).execute();
}
