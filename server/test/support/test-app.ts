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
  /** A client for a user made earlier with user() (also after a restart). */
  client(login: string): ApiClient;
  /**
   * Stops this app (as a server stop would: background work is asked to stop) and starts a new one
   * on the same data folder and database, optionally with other settings. This object's close()
   * then does nothing; close the returned app instead.
   */
  restart(flags?: Partial<Record<ConfigKey, string | number | boolean>>): Promise<TestApp>;
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
  return startTestApp({ dialect, dataDir, dbUrl, dropDb, flags, createAdmin: true });
}

interface Storage {
  readonly dialect: TestDialect;
  readonly dataDir: string;
  readonly dbUrl: string;
  readonly dropDb?: () => Promise<void>;
  readonly flags: Partial<Record<ConfigKey, string | number | boolean>>;
  readonly createAdmin: boolean;
}

async function startTestApp(storage: Storage): Promise<TestApp> {
  const { dialect, dataDir, dbUrl, dropDb, flags } = storage;
  const config = loadConfig({ flags: { dataDir, 'database.url': dbUrl, 'logging.level': 'silent', 'http.port': 0, 'dicom.enabled': false, ...flags }, env: {} });
  const app = await buildApp(config, { migrate: true });
  if (storage.createAdmin) {
    await app.services.users.create(SYSTEM, { login: ADMIN.login, password: ADMIN.password, isAdmin: true, firstName: 'Site', lastName: 'Admin', email: 'admin@example.org' });
  }
  const admin = new ApiClient(app.http, ADMIN);
  let handedOver = false;
  return {
    app, dataDir, dialect, admin,
    anonymous: new ApiClient(app.http),
    user: async (login, options = {}) => {
      const password = `${login}-password-1`;
      await app.services.users.create(SYSTEM, { login, password, isAdmin: options.admin ?? false, email: `${login}@example.org`, firstName: login, lastName: 'Tester' });
      return new ApiClient(app.http, { login, password });
    },
    client: (login) => new ApiClient(app.http, { login, password: `${login}-password-1` }),
    restart: async (newFlags = {}) => {
      await app.close();
      handedOver = true;
      return startTestApp({ ...storage, flags: { ...flags, ...newFlags }, createAdmin: false });
    },
    close: async () => {
      if (handedOver) return;
      await app.close();
      await dropDb?.();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}
