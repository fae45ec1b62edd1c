import type { Migration } from 'kysely';
import * as createArchiveCore from './202611210900_create_archive_core.js';
import * as createJobsAndTransfers from './202611211100_create_jobs_and_transfers.js';

/** Every migration, in order. A new migration is a new file added here; old ones never change. */
export const MIGRATIONS: Record<string, Migration> = {
  '202611210900_create_archive_core': createArchiveCore,
  '202611211100_create_jobs_and_transfers': createJobsAndTransfers,
};
