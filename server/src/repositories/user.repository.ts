import type { Selectable } from 'kysely';
import type { Db } from '../db/database.js';
import type { UserAccountTable } from '../db/tables/user.table.js';
import type { User } from '../domain/entities.js';
import { bool, int, now } from './field-columns.js';

const toUser = (r: Selectable<UserAccountTable>): User => ({
  id: r.id, login: r.login, email: r.email, firstName: r.first_name, lastName: r.last_name,
  enabled: bool(r.enabled), verified: bool(r.verified), isAdmin: bool(r.is_admin),
  createdAt: r.created_at, lastLoginAt: r.last_login_at,
});

export async function findUserByLogin(db: Db, login: string): Promise<User | undefined> {
  const row = await db.selectFrom('user_account').selectAll().where('login', '=', login).executeTakeFirst();
  return row && toUser(row);
}

export async function findUserById(db: Db, id: number): Promise<User | undefined> {
  const row = await db.selectFrom('user_account').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toUser(row);
}

export async function findPasswordHash(db: Db, login: string): Promise<{ user: User; hash: string } | undefined> {
  const row = await db.selectFrom('user_account').selectAll().where('login', '=', login).executeTakeFirst();
  return row && { user: toUser(row), hash: row.password_hash };
}

export async function listUsers(db: Db): Promise<User[]> {
  const rows = await db.selectFrom('user_account').selectAll().orderBy('login').execute();
  return rows.map(toUser);
}

export async function countUsers(db: Db): Promise<number> {
  const row = await db.selectFrom('user_account').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

export interface NewUser {
  login: string; email: string; firstName: string; lastName: string; passwordHash: string;
  enabled: boolean; verified: boolean; isAdmin: boolean;
}

export async function insertUser(db: Db, u: NewUser): Promise<User> {
  const at = now();
  const row = await db.insertInto('user_account').values({
    login: u.login, email: u.email, first_name: u.firstName, last_name: u.lastName, password_hash: u.passwordHash,
    enabled: int(u.enabled), verified: int(u.verified), is_admin: int(u.isAdmin), created_at: at, updated_at: at, last_login_at: null,
  }).returningAll().executeTakeFirstOrThrow();
  return toUser(row);
}

export interface UserChanges {
  email?: string; firstName?: string; lastName?: string; passwordHash?: string;
  enabled?: boolean; verified?: boolean; isAdmin?: boolean;
}

export async function updateUser(db: Db, id: number, c: UserChanges): Promise<void> {
  await db.updateTable('user_account').set({
    ...(c.email !== undefined && { email: c.email }),
    ...(c.firstName !== undefined && { first_name: c.firstName }),
    ...(c.lastName !== undefined && { last_name: c.lastName }),
    ...(c.passwordHash !== undefined && { password_hash: c.passwordHash }),
    ...(c.enabled !== undefined && { enabled: int(c.enabled) }),
    ...(c.verified !== undefined && { verified: int(c.verified) }),
    ...(c.isAdmin !== undefined && { is_admin: int(c.isAdmin) }),
    updated_at: now(),
  }).where('id', '=', id).execute();
}

export async function recordLogin(db: Db, id: number): Promise<void> {
  await db.updateTable('user_account').set({ last_login_at: now() }).where('id', '=', id).execute();
}
