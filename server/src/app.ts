import fs from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { FileStore } from './archive/file-store.js';
import type { Config } from './config/config.js';
import { createDb, type Dialect } from './db/create-db.js';
import type { DB } from './db/database.js';
import { assertCurrent, migrateToLatest } from './db/migrate.js';
import { downloadsFeature } from './features/downloads.feature.js';
import { ingestFeature } from './features/ingest.feature.js';
import { createHttpServer } from './http/server.js';
import { mergeHttpExtensions, type Feature, type FeatureFactory } from './feature.js';
import { sharingFeature } from './features/sharing.feature.js';
import { AccessService } from './services/access.service.js';
import { AccessionIds } from './services/accession-ids.js';
import { ActivityService } from './services/activity.service.js';
import { AuthService } from './services/auth.service.js';
import { ConfigService } from './services/config.service.js';
import { ExperimentService } from './services/experiment.service.js';
import { Locator } from './services/locator.js';
import { ProjectService } from './services/project.service.js';
import { ResourceOwners } from './services/resource-owner.js';
import { ResourceService } from './services/resource.service.js';
import { ScanService } from './services/scan.service.js';
import type { Services } from './services/services.js';
import { SubjectService } from './services/subject.service.js';
import { UserService } from './services/user.service.js';
import { webFeature } from './features/web.feature.js';

export interface App {
  readonly config: Config;
  readonly db: Kysely<DB>;
  readonly dialect: Dialect;
  readonly store: FileStore;
  readonly services: Services;
  readonly http: FastifyInstance;
  readonly features: readonly Feature[];
  /** Stops background work and closes the database. */
  close(): Promise<void>;
}

export interface BuildOptions {
  /** Log requests and errors through pino (off in tests). */
  readonly logger?: boolean;
  /** Apply migrations regardless of config.database.autoMigrate (tests). */
  readonly migrate?: boolean;
  /** Start background work of features (DICOM listeners, job workers); tests may turn it off. */
  readonly startFeatures?: boolean;
}

/** Feature areas beyond the archive core, in the order their routes are registered. */
const FEATURES: readonly FeatureFactory[] = [
  ingestFeature,
  sharingFeature,
  downloadsFeature,
  webFeature,
];

/** The composition root: the only place that knows every concrete class. Tests build the same app. */
export async function buildApp(config: Config, options: BuildOptions = {}): Promise<App> {
  await fs.mkdir(config.archiveDir, { recursive: true });
  await fs.mkdir(config.tempDir, { recursive: true });
  const database = createDb(config.database);
  const { db } = database;
  try {
    if (options.migrate ?? config.database.autoMigrate) await migrateToLatest(db);
    else await assertCurrent(db);
  } catch (e) {
    await database.close();
    throw e;
  }
  const store = new FileStore(config.archiveDir);
  await store.init();
  const services = buildServices(db, store, config);
  const features: Feature[] = [];
  for (const factory of FEATURES) features.push(await factory({ db, dialect: database.dialect, store, config, services }));
  const http = await createHttpServer({ config, services, store, logger: options.logger ?? false, extensions: mergeHttpExtensions(features) });
  const timers = [setInterval(() => void services.auth.purgeExpired().catch(() => undefined), 10 * 60_000)];
  for (const t of timers) t.unref();
  const started: Feature[] = [];
  const stopFeatures = async () => {
    for (const f of started.reverse()) await f.stop?.();
  };
  try {
    if (options.startFeatures ?? true) {
      for (const f of features) {
        await f.start?.();
        started.push(f);
      }
    }
  } catch (e) {
    await stopFeatures();
    await http.close();
    await database.close();
    throw e;
  }
  return {
    config, db, dialect: database.dialect, store, services, http, features,
    close: async () => {
      for (const t of timers) clearInterval(t);
      await stopFeatures();
      await http.close();
      await database.close();
      await store.close();
    },
  };
}

export function buildServices(db: Kysely<DB>, store: FileStore, config: Config): Services {
  const access = new AccessService(db);
  const locator = new Locator(db, access);
  const ids = new AccessionIds(config.site.id);
  const auth = new AuthService(db, config.auth);
  const users = new UserService(db, auth);
  const projects = new ProjectService(db, access, store, config.site);
  const subjects = new SubjectService(db, access, locator, store, ids);
  const experiments = new ExperimentService(db, access, locator, subjects, store, ids);
  const scans = new ScanService(db, access, locator, store);
  const resources = new ResourceService(db, new ResourceOwners(db, access, locator), store, { maxUploadBytes: config.http.maxUploadBytes });
  const activity = new ActivityService(db, access);
  const configDocs = new ConfigService(db, access);
  return { access, locator, auth, users, projects, subjects, experiments, scans, resources, activity, config: configDocs };
}
