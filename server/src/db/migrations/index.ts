import type { Migration } from 'kysely';
import * as createArchiveCore from './202611210900_create_archive_core.js';
import * as createJobsAndTransfers from './202611211100_create_jobs_and_transfers.js';
import * as createDownloadCatalog from './202611211200_create_download_catalog.js';
import * as createPrearchive from './202611211300_create_prearchive.js';

/** Every migration, in order. A new migration is a new file added here; old ones never change. */
export const MIGRATIONS: Record<string, Migration> = {
  '202611210900_create_archive_core': createArchiveCore,
  '202611211100_create_jobs_and_transfers': createJobsAndTransfers,
  '202611211200_create_download_catalog': createDownloadCatalog,
  '202611211300_create_prearchive': createPrearchive,
};
