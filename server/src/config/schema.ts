/**
 * Every configuration key, with its type, default, environment variable and meaning.
 * Precedence: defaults < config file (JSON, nested by the dots in the key) < environment < command-line flags.
 */
export type KeyType = 'string' | 'int' | 'bool';

export interface KeyDef {
  readonly type: KeyType;
  readonly default: string | number | boolean | null;
  readonly env: string;
  readonly doc: string;
  readonly secret?: boolean;
}

export const CONFIG_KEYS = {
  dataDir: { type: 'string', default: './data', env: 'XNAT_TS_DATA', doc: 'Folder for the SQLite database, the archive (archive/) and temporary files.' },
  'database.url': { type: 'string', default: null, env: 'XNAT_TS_DB', doc: 'SQLite file path or postgres://user@host:port/db URL; empty means <dataDir>/xnat-ts.sqlite.', secret: true },
  'database.poolSize': { type: 'int', default: 10, env: 'XNAT_TS_DB_POOL_SIZE', doc: 'PostgreSQL connection pool size.' },
  'database.autoMigrate': { type: 'bool', default: null, env: 'XNAT_TS_AUTO_MIGRATE', doc: 'Apply pending migrations when the server starts; empty means yes on SQLite, no on PostgreSQL (run `xnat-ts migrate`).' },
  'http.host': { type: 'string', default: '127.0.0.1', env: 'XNAT_TS_HOST', doc: 'Address the web server listens on (0.0.0.0 for every interface).' },
  'http.port': { type: 'int', default: 8080, env: 'XNAT_TS_PORT', doc: 'Web server port (0 picks a free one).' },
  'http.siteUrl': { type: 'string', default: null, env: 'XNAT_TS_SITE_URL', doc: 'Public base URL used in absolute links; empty means derived from each request.' },
  'http.maxUploadBytes': { type: 'int', default: 20 * 1024 ** 3, env: 'XNAT_TS_MAX_UPLOAD_BYTES', doc: 'Largest single uploaded file or archive, in bytes.' },
  'http.webDir': { type: 'string', default: null, env: 'XNAT_TS_WEB_DIR', doc: 'Folder of the built web UI (index.html and assets/); empty means the web/dist folder that comes with the server.' },
  'http.maxBodyBytes': { type: 'int', default: 16 * 1024 ** 2, env: 'XNAT_TS_MAX_BODY_BYTES', doc: 'Largest XML, JSON or form request body, in bytes.' },
  'site.id': { type: 'string', default: 'XNAT', env: 'XNAT_TS_SITE_ID', doc: 'Site ID: the prefix of accession numbers (XNAT_S00001, XNAT_E00001).' },
  'site.requireLogin': { type: 'bool', default: true, env: 'XNAT_TS_REQUIRE_LOGIN', doc: 'Refuse anonymous requests; when false, anonymous users may read public projects.' },
  'site.allowNonAdminProjectCreation': { type: 'bool', default: true, env: 'XNAT_TS_ALLOW_PROJECT_CREATION', doc: 'Let users who are not site admins create projects.' },
  'auth.adminPassword': { type: 'string', default: null, env: 'XNAT_TS_ADMIN_PASSWORD', doc: "Password of the first 'admin' account, used only when the account is created; empty means generate and print one.", secret: true },
  'auth.sessionTimeoutMinutes': { type: 'int', default: 60, env: 'XNAT_TS_SESSION_TIMEOUT_MINUTES', doc: 'Idle minutes before a login session (JSESSIONID) expires.' },
  'auth.aliasTokenHours': { type: 'int', default: 48, env: 'XNAT_TS_ALIAS_TOKEN_HOURS', doc: 'Lifetime of alias tokens issued by /data/services/tokens/issue.' },
  'jobs.concurrency': { type: 'int', default: 2, env: 'XNAT_TS_JOBS_CONCURRENCY', doc: 'Background jobs (transfers between projects) this server runs at the same time.' },
  'jobs.leaseSeconds': { type: 'int', default: 60, env: 'XNAT_TS_JOBS_LEASE_SECONDS', doc: 'Seconds a running job stays claimed without a heartbeat; after a crash, the job is resumed once this has passed.' },
  'jobs.pollMillis': { type: 'int', default: 2000, env: 'XNAT_TS_JOBS_POLL_MILLIS', doc: 'How often an idle server looks for jobs queued by other servers sharing its database, in milliseconds.' },
  'transfers.hardLinks': { type: 'bool', default: true, env: 'XNAT_TS_TRANSFER_HARD_LINKS', doc: 'Copy files between projects as hard links where the filesystem allows (instant, no extra space); false always copies the bytes.' },
  'transfers.maxBytesPerSecond': { type: 'int', default: 0, env: 'XNAT_TS_TRANSFER_MAX_BYTES_PER_SECOND', doc: 'Limit on the disk rate of one transfer (copying and reading back), in bytes per second; 0 means no limit.' },
  'ingest.receivedFileUser': { type: 'string', default: 'admin', env: 'XNAT_TS_RECEIVED_FILE_USER', doc: 'Account that DICOM received over the network is filed as (its projects decide where data may route).' },
  'ingest.quietSeconds': { type: 'int', default: 60, env: 'XNAT_TS_INGEST_QUIET_SECONDS', doc: 'Seconds a session receiving DICOM over the network must be quiet before it is built (and auto-archived where the project says so).' },
  'dicom.enabled': { type: 'bool', default: true, env: 'XNAT_TS_DICOM_ENABLED', doc: 'Start the DICOM receiver (C-ECHO and C-STORE) with the server.' },
  'dicom.host': { type: 'string', default: null, env: 'XNAT_TS_DICOM_HOST', doc: 'Address the DICOM receiver listens on; empty means the same as http.host.' },
  'dicom.port': { type: 'int', default: 8104, env: 'XNAT_TS_DICOM_PORT', doc: 'DICOM receiver port (0 picks a free one).' },
  'dicom.aeTitles': { type: 'string', default: 'XNAT', env: 'XNAT_TS_DICOM_AE_TITLES', doc: 'AE titles the receiver answers to, comma-separated; TITLE=PROJECT binds a title to a project (its data goes there whatever the headers say).' },
  'logging.level': { type: 'string', default: 'info', env: 'XNAT_TS_LOG_LEVEL', doc: 'Log level: fatal, error, warn, info, debug, trace or silent.' },
} as const satisfies Record<string, KeyDef>;

export type ConfigKey = keyof typeof CONFIG_KEYS;
