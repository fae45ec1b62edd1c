import type { Kysely } from 'kysely';
import type { DB } from '../db/database.js';
import { isUniqueViolation } from '../db/db-errors.js';
import { withTransaction } from '../db/transaction.js';
import type { Actor } from '../domain/actor.js';
import { SYSTEM } from '../domain/actor.js';
import type { User } from '../domain/entities.js';
import { AppError, conflict, forbidden, invalidInput, notFound } from '../domain/errors.js';
import { checkLogin, checkPassword } from '../domain/passwords.js';
import { deleteLoginSessionsOfUser } from '../repositories/login-session.repository.js';
import { countUsers, findUserByLogin, insertUser, listUsers, updateUser } from '../repositories/user.repository.js';
import { audit } from './audit.js';
import type { AuthService } from './auth.service.js';
import { generatePassword, hashPassword } from './password-hash.js';

export interface NewUserInput {
  readonly login: string;
  readonly password: string;
  readonly email?: string;
  readonly firstName?: string;
  readonly lastName?: string;
  readonly enabled?: boolean;
  readonly verified?: boolean;
  readonly isAdmin?: boolean;
}

export interface UserUpdate {
  readonly password?: string;
  readonly email?: string;
  readonly firstName?: string;
  readonly lastName?: string;
  readonly enabled?: boolean;
  readonly verified?: boolean;
  readonly isAdmin?: boolean;
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;

/** User accounts, managed by site administrators (and by the CLI). */
export class UserService {
  constructor(private readonly db: Kysely<DB>, private readonly auth: AuthService) {}

  async create(actor: Actor, input: NewUserInput): Promise<User> {
    requireAdmin(actor);
    const login = checkLogin(input.login);
    checkPassword(input.password);
    if (input.email && !EMAIL.test(input.email)) throw invalidInput(`Invalid email address '${input.email}'`);
    const passwordHash = await hashPassword(input.password);
    try {
      return await withTransaction(this.db, async (trx) => {
        if (await findUserByLogin(trx, login)) throw conflict(`User ${login} already exists`);
        const user = await insertUser(trx, {
          login, passwordHash, email: input.email ?? '', firstName: input.firstName ?? '', lastName: input.lastName ?? '',
          enabled: input.enabled ?? true, verified: input.verified ?? true, isAdmin: input.isAdmin ?? false,
        });
        await audit(trx, actor, { action: 'create-user', entityType: 'user', entityId: login, details: { isAdmin: user.isAdmin } });
        return user;
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw conflict(`User ${login} already exists`);
      throw e;
    }
  }

  async list(actor: Actor): Promise<User[]> {
    requireAdmin(actor);
    return listUsers(this.db);
  }

  /** Enabled accounts, for picking project members; any logged-in user may read it (XNAT's default). */
  async directory(actor: Actor): Promise<User[]> {
    if (actor.kind !== 'user') throw new AppError('unauthenticated', 'The request requires user authentication');
    return (await listUsers(this.db)).filter((u) => u.enabled);
  }

  async get(actor: Actor, login: string): Promise<User> {
    if (actor.kind !== 'user' || (!actor.isAdmin && actor.login !== login)) throw forbidden('Only site administrators can read other accounts');
    const user = await findUserByLogin(this.db, login);
    if (!user) throw notFound(`Unknown user: ${login}`);
    return user;
  }

  async update(actor: Actor, login: string, changes: UserUpdate): Promise<User> {
    requireAdmin(actor);
    const user = await findUserByLogin(this.db, login);
    if (!user) throw notFound(`Unknown user: ${login}`);
    if (changes.password !== undefined) checkPassword(changes.password);
    if (changes.email && !EMAIL.test(changes.email)) throw invalidInput(`Invalid email address '${changes.email}'`);
    if (actor.kind === 'user' && actor.userId === user.id && (changes.enabled === false || changes.isAdmin === false)) {
      throw invalidInput('You cannot disable your own account or remove your own administrator role');
    }
    const passwordHash = changes.password !== undefined ? await hashPassword(changes.password) : undefined;
    await withTransaction(this.db, async (trx) => {
      await updateUser(trx, user.id, { ...changes, passwordHash });
      if (changes.enabled === false || passwordHash) await deleteLoginSessionsOfUser(trx, user.id);
      await audit(trx, actor, { action: 'update-user', entityType: 'user', entityId: login, details: { ...changes, password: changes.password !== undefined ? 'changed' : undefined } });
    });
    this.auth.forgetCredentials();
    return (await findUserByLogin(this.db, login)) as User;
  }

  /**
   * Creates the first site administrator, `admin`, when the site has no users yet. Returns the
   * password when it was generated (to be printed once), else null.
   */
  async ensureFirstAdmin(configuredPassword: string | null): Promise<{ created: boolean; generatedPassword: string | null }> {
    if ((await countUsers(this.db)) > 0) return { created: false, generatedPassword: null };
    const password = configuredPassword ?? generatePassword();
    await this.create(SYSTEM, { login: 'admin', password, firstName: 'Site', lastName: 'Administrator', isAdmin: true });
    return { created: true, generatedPassword: configuredPassword ? null : password };
  }
}

function requireAdmin(actor: Actor): void {
  if (actor.kind !== 'user') throw new AppError('unauthenticated', 'The request requires user authentication');
  if (!actor.isAdmin) throw forbidden('Only site administrators can manage user accounts');
}
