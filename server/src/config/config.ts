import path from 'node:path';

/** The effective configuration, validated once at startup and passed down in slices. */
export interface DatabaseConfig {
  readonly kind: 'sqlite' | 'postgres';
  /** SQLite file path or PostgreSQL URL. */
  readonly url: string;
  readonly poolSize: number;
  readonly autoMigrate: boolean;
}

export interface HttpConfig {
  readonly host: string;
  readonly port: number;
  readonly siteUrl: string | null;
  readonly maxUploadBytes: number;
  readonly maxBodyBytes: number;
  /** Folder of the built web UI; null means the one shipped with the server. */
  readonly webDir: string | null;
}

export interface SiteConfig {
  readonly id: string;
  readonly requireLogin: boolean;
  readonly allowNonAdminProjectCreation: boolean;
}

export interface AuthConfig {
  readonly adminPassword: string | null;
  readonly sessionTimeoutMinutes: number;
  readonly aliasTokenHours: number;
}

export interface JobsConfig {
  readonly concurrency: number;
  readonly leaseMs: number;
  readonly pollMs: number;
}

export interface TransfersConfig {
  readonly hardLinks: boolean;
  readonly maxBytesPerSecond: number;
}

export interface IngestConfig {
  /** Login of the account network-received DICOM is filed as. */
  readonly receivedFileUser: string;
  /** Quiet time before a receiving session is built, in milliseconds. */
  readonly quietMs: number;
}

export interface DicomConfig {
  readonly enabled: boolean;
  readonly host: string;
  readonly port: number;
  /** AE titles the receiver answers to, each optionally bound to a project. */
  readonly aeTitles: readonly { readonly title: string; readonly project: string | null }[];
}

export interface Config {
  readonly dataDir: string;
  readonly archiveDir: string;
  /** Where uploads wait for review before they are archived. */
  readonly prearchiveDir: string;
  readonly tempDir: string;
  readonly database: DatabaseConfig;
  readonly http: HttpConfig;
  readonly site: SiteConfig;
  readonly auth: AuthConfig;
  readonly jobs: JobsConfig;
  readonly transfers: TransfersConfig;
  readonly ingest: IngestConfig;
  readonly dicom: DicomConfig;
  readonly logging: { readonly level: string };
}

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

export function archiveDirOf(dataDir: string): string {
  return path.join(dataDir, 'archive');
}
