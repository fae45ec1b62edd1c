import type { Generated } from 'kysely';

export interface ScanTable {
  id: Generated<number>;
  experiment_id: string;
  scan_id: string;
  xsi_type: string;
  scan_type: string | null;
  series_instance_uid: string | null;
  series_description: string | null;
  quality: string | null;
  scan_condition: string | null;
  note: string | null;
  documentation: string | null;
  scanner: string | null;
  modality: string | null;
  frames: number | null;
  start_time: string | null;
  field_strength: string | null;
  coil: string | null;
  tr: number | null;
  te: number | null;
  ti: number | null;
  flip: number | null;
  created_at: string;
  updated_at: string;
}
