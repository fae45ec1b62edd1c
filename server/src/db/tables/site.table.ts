import type { Generated } from 'kysely';

/** Next number per accession-ID series; numbers are never reused, even after deletes. */
export interface IdCounterTable {
  name: string;
  value: number;
}

/** Runtime settings an admin changes; only differences from code defaults are stored. */
export interface SiteSettingTable {
  key: string;
  value: string;
  updated_at: string;
}

/** Versioned configuration documents of XNAT's /data/config (site-wide when project_id is ''). */
export interface ConfigEntryTable {
  id: Generated<number>;
  tool: string;
  path: string;
  project_id: string;
  contents: string;
  status: string;
  reason: string | null;
  version: number;
  created_at: string;
  created_by: string;
}
