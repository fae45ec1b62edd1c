import type { Kysely } from 'kysely';
import type { FileStore } from './archive/file-store.js';
import type { Config } from './config/config.js';
import type { Dialect } from './db/create-db.js';
import type { DB } from './db/database.js';
import type { HttpExtensions } from './http/server.js';
import type { Services } from './services/services.js';

/** What a feature area gets from the core when the app is composed. */
export interface FeatureContext {
  readonly db: Kysely<DB>;
  readonly dialect: Dialect;
  readonly store: FileStore;
  readonly config: Config;
  readonly services: Services;
}

/**
 * A feature area (ingest, sharing, downloads, web UI) plugged into the app: its HTTP routes and
 * its background work. app.ts lists the features; each area lives in its own folders.
 */
export interface Feature {
  readonly name: string;
  readonly http?: HttpExtensions;
  /** Starts background work (listeners, timers, job workers) once the HTTP server is built. */
  start?(): Promise<void>;
  /** Stops background work; called before the database closes. */
  stop?(): Promise<void>;
  /** Lines for the startup banner once started (where a listener of the feature is, for example). */
  startupLines?(): readonly string[];
}

export type FeatureFactory = (context: FeatureContext) => Feature | Promise<Feature>;

/** Combines the HTTP contributions of several features. */
export function mergeHttpExtensions(features: readonly Feature[]): HttpExtensions {
  const homePages = features.map((f) => f.http?.homePage).filter((h) => h !== undefined);
  return {
    xnat: features.flatMap((f) => f.http?.xnat ?? []),
    plugins: features.flatMap((f) => f.http?.plugins ?? []),
    downloads: Object.assign({}, ...features.map((f) => f.http?.downloads ?? {})),
    homePage: homePages[0],
  };
}
