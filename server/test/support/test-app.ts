import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { ConfigKey } from '../../src/config/schema.js';
import { SYSTEM } from '../../src/domain/actor.js';
import { createPostgresDatabase, type TestDialect } from './dialects.js';
import { ApiClient } from './api-client.js';

export const ADMIN = { login: 'admin', password: 'admin-password-1' };

export interface TestApp {
  readonly app: App;
  readonly dataDir: string;
  readonly dialect: TestDialect;
  /** A client logged in as the site administrator. */
  readonly admin: ApiClient;
  /** A client sending no credentials. */
  readonly anonymous: ApiClient;
  /** Creates a user and returns a client logged in as them. */
  user(login: string, options?: { admin?: boolean }): Promise<ApiClient>;
  close(): Promise<void>;
}

/** Builds the production app on a temp data folder and a fresh database of the given engine. */
export async function buildTestApp(dialect: TestDialect = 'sqlite', flags: Partial<Record<ConfigKey, string | number | boolean>> = {}): Promise<TestApp> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'xnat-ts-test-'));
  let dropDb: (() => Promise<void>) | undefined;
  let dbUrl = path.join(dataDir, 'test.sqlite');
  if (dialect === 'postgres') {
    const created = await createPostgresDatabase();
    dbUrl = created.url;
    dropDb = created.drop;
  }
  const config = loadConfig({ flags: { dataDir, 'database.url': dbUrl, 'logging.level': 'silent', 'http.port': 0, ...flags }, env: {} });
  const app = await buildApp(config, { migrate: true });
  await app.services.users.create(SYSTEM, { login: ADMIN.login, password: ADMIN.password, isAdmin: true, firstName: 'Site', lastName: 'Admin', email: 'admin@example.org' });
  const admin = new ApiClient(app.http, ADMIN);
  return {
    app, dataDir, dialect, admin,
    anonymous: new ApiClient(app.http),
    user: async (login, options = {}) => {
      const password = `${login}-password-1`;
      await app.services.users.create(SYSTEM, { login, password, isAdmin: options.admin ?? false, email: `${login}@example.org`, firstName: login, lastName: 'Tester' });
      return new ApiClient(app.http, { login, password });
    },
    close: async () => {
      await app.close();
      await dropDb?.();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}
