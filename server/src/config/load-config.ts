import fs from 'node:fs';
import path from 'node:path';
import { CONFIG_KEYS, type ConfigKey, type KeyDef } from './schema.js';
import { archiveDirOf, isPostgresUrl, type Config } from './config.js';

export interface ConfigSources {
  /** Values from command-line flags, by config key. */
  readonly flags?: Partial<Record<ConfigKey, string | number | boolean>>;
  readonly env?: NodeJS.ProcessEnv;
  /** Path of a JSON config file. */
  readonly file?: string;
}

export class ConfigError extends Error {}

type Raw = Record<ConfigKey, string | number | boolean | null>;

/** Merges defaults < file < env < flags, validates every key, and returns a frozen Config. */
export function loadConfig(sources: ConfigSources = {}): Config {
  const raw = Object.fromEntries(Object.entries(CONFIG_KEYS).map(([k, d]) => [k, d.default])) as Raw;
  if (sources.file) Object.assign(raw, readFile(sources.file));
  for (const [key, def] of entries()) {
    const value = sources.env?.[def.env];
    if (value !== undefined && value !== '') raw[key] = parse(key, def, value, `environment variable ${def.env}`);
  }
  for (const [key, value] of Object.entries(sources.flags ?? {}) as [ConfigKey, unknown][]) {
    if (value === undefined) continue;
    const def = CONFIG_KEYS[key] as KeyDef | undefined;
    if (!def) throw new ConfigError(`Unknown configuration key '${key}'`);
    raw[key] = parse(key, def, value, `option for ${key}`);
  }
  return build(raw);
}

function entries(): [ConfigKey, KeyDef][] {
  return Object.entries(CONFIG_KEYS) as [ConfigKey, KeyDef][];
}

function readFile(file: string): Partial<Raw> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigError(`Cannot read config file ${file}: ${(e as Error).message}`);
  }
  const out: Partial<Raw> = {};
  const walk = (node: unknown, prefix: string) => {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) throw new ConfigError(`Config file ${file}: '${prefix}' must be an object`);
    for (const [k, v] of Object.entries(node)) {
      const key = prefix ? `${prefix}.${k}` : k;
      const def = (CONFIG_KEYS as Record<string, KeyDef>)[key];
      if (def) out[key as ConfigKey] = v === null ? null : parse(key, def, v, `config file ${file}`);
      else if (v !== null && typeof v === 'object' && !Array.isArray(v)) walk(v, key);
      else throw new ConfigError(`Config file ${file}: unknown key '${key}'`);
    }
  };
  walk(parsed, '');
  return out;
}

function parse(key: string, def: KeyDef, value: unknown, where: string): string | number | boolean {
  if (def.type === 'string') {
    if (typeof value !== 'string') throw new ConfigError(`${where}: ${key} must be a string`);
    return value;
  }
  if (def.type === 'int') {
    const n = typeof value === 'number' ? value : Number(String(value).trim());
    if (!Number.isSafeInteger(n) || n < 0) throw new ConfigError(`${where}: ${key} must be a whole number ≥ 0, got '${String(value)}'`);
    return n;
  }
  if (typeof value === 'boolean') return value;
  const s = String(value).trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(s)) return true;
  if (['false', '0', 'no', 'off'].includes(s)) return false;
  throw new ConfigError(`${where}: ${key} must be true or false, got '${String(value)}'`);
}

function build(raw: Raw): Config {
  const str = (k: ConfigKey) => (raw[k] === null ? null : String(raw[k]));
  const num = (k: ConfigKey) => Number(raw[k]);
  const dataDir = path.resolve(str('dataDir') ?? './data');
  const dbUrl = str('database.url') || path.join(dataDir, 'xnat-ts.sqlite');
  const kind = isPostgresUrl(dbUrl) ? 'postgres' : 'sqlite';
  const port = num('http.port');
  if (port > 65535) throw new ConfigError(`http.port must be at most 65535, got ${port}`);
  const dicomPort = num('dicom.port');
  if (dicomPort > 65535) throw new ConfigError(`dicom.port must be at most 65535, got ${dicomPort}`);
  const level = String(raw['logging.level']);
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(level)) {
    throw new ConfigError(`logging.level must be one of fatal, error, warn, info, debug, trace, silent; got '${level}'`);
  }
  const siteId = String(raw['site.id']).replace(/[\s'"^]/g, '').replace(/-/g, '_');
  if (!/^[A-Za-z0-9_]+$/.test(siteId)) throw new ConfigError(`site.id must use letters, digits and '_', got '${String(raw['site.id'])}'`);
  const siteUrl = str('http.siteUrl');
  return deepFreeze({
    dataDir,
    archiveDir: archiveDirOf(dataDir),
    prearchiveDir: path.join(dataDir, 'prearchive'),
    tempDir: path.join(dataDir, 'tmp'),
    database: {
      kind,
      url: kind === 'sqlite' ? path.resolve(dbUrl) : dbUrl,
      poolSize: Math.max(1, num('database.poolSize')),
      autoMigrate: raw['database.autoMigrate'] === null ? kind === 'sqlite' : Boolean(raw['database.autoMigrate']),
    },
    http: {
      host: String(raw['http.host']),
      port,
      siteUrl: siteUrl ? siteUrl.replace(/\/+$/, '') : null,
      maxUploadBytes: num('http.maxUploadBytes'),
      maxBodyBytes: num('http.maxBodyBytes'),
      webDir: str('http.webDir') ? path.resolve(String(str('http.webDir'))) : null,
    },
    site: {
      id: siteId,
      requireLogin: Boolean(raw['site.requireLogin']),
      allowNonAdminProjectCreation: Boolean(raw['site.allowNonAdminProjectCreation']),
    },
    auth: {
      adminPassword: str('auth.adminPassword') || null,
      sessionTimeoutMinutes: Math.max(1, num('auth.sessionTimeoutMinutes')),
      aliasTokenHours: Math.max(1, num('auth.aliasTokenHours')),
    },
    jobs: {
      concurrency: Math.max(1, num('jobs.concurrency')),
      leaseMs: Math.max(1, num('jobs.leaseSeconds')) * 1000,
      pollMs: Math.max(10, num('jobs.pollMillis')),
    },
    transfers: {
      hardLinks: Boolean(raw['transfers.hardLinks']),
      maxBytesPerSecond: num('transfers.maxBytesPerSecond'),
    },
    ingest: {
      receivedFileUser: String(raw['ingest.receivedFileUser']),
      quietMs: num('ingest.quietSeconds') * 1000,
    },
    dicom: {
      enabled: Boolean(raw['dicom.enabled']),
      host: str('dicom.host') || String(raw['http.host']),
      port: dicomPort,
      aeTitles: parseAeTitles(String(raw['dicom.aeTitles'])),
    },
    logging: { level },
  });
}

/** `XNAT,SCANNER1=PROJ1`: titles of 1-16 printable characters, no backslash, no leading or trailing spaces. */
function parseAeTitles(text: string): { title: string; project: string | null }[] {
  const out = text.split(',').map((s) => s.trim()).filter(Boolean).map((item) => {
    const [title = '', project] = item.split('=').map((s) => s.trim());
    if (!/^[\x20-\x5b\x5d-\x7e]{1,16}$/.test(title) || title !== title.trim()) {
      throw new ConfigError(`dicom.aeTitles: '${title}' is not an AE title (1-16 printable characters, no backslash)`);
    }
    if (project !== undefined && !/^[A-Za-z0-9_-]+$/.test(project)) throw new ConfigError(`dicom.aeTitles: '${project}' is not a project ID`);
    return { title, project: project ?? null };
  });
  if (new Set(out.map((a) => a.title)).size !== out.length) throw new ConfigError('dicom.aeTitles: an AE title is listed twice');
  if (out.length === 0) throw new ConfigError('dicom.aeTitles: list at least one AE title (or set dicom.enabled=false)');
  return out;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** The effective configuration with secrets replaced, for `--print-config`. */
export function redactedConfig(config: Config): unknown {
  const url = config.database.url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
  return {
    ...config,
    database: { ...config.database, url },
    auth: { ...config.auth, adminPassword: config.auth.adminPassword ? '***' : null },
  };
}

/** The documented defaults as a JSON config file, for `--write-default-config`. */
export function defaultConfigFile(): string {
  const tree: Record<string, unknown> = {};
  for (const [key, def] of entries()) {
    const parts = key.split('.');
    let node = tree;
    for (const p of parts.slice(0, -1)) node = (node[p] ??= {}) as Record<string, unknown>;
    node[parts[parts.length - 1] as string] = def.default;
  }
  return JSON.stringify(tree, null, 2) + '\n';
}
