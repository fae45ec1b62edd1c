import type { Generated } from 'kysely';

export interface ResourceTable {
  id: Generated<number>;
  /** 'project:P', 'subject:S', 'experiment:E' or 'scan:<scan pk>': one label per owner. */
  owner_key: string;
  project_id: string | null;
  subject_id: string | null;
  experiment_id: string | null;
  scan_pk: number | null;
  label: string;
  format: string;
  content: string;
  description: string;
  tags: string;
  file_count: number;
  total_size: number;
  dir: string;
  created_at: string;
  updated_at: string;
}

export interface ResourceFileTable {
  id: Generated<number>;
  resource_id: number;
  path: string;
  size: number;
  md5: string;
  format: string;
  content: string;
  tags: string;
  created_at: string;
  created_by: string;
}
