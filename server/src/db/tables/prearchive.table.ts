import type { Generated } from 'kysely';

/** A session waiting in the prearchive: files under `prearchive/{project_key}/{timestamp}/{folder}`. */
export interface PrearchiveSessionTable {
  id: Generated<number>;
  /** The project ID, or `Unassigned` when the data routed to no project. */
  project_key: string;
  /** The project, null for Unassigned. */
  project_id: string | null;
  /** Upload time as XNAT names prearchive folders: yyyyMMdd_HHmmssSSS. */
  timestamp: string;
  folder: string;
  subject: string;
  label: string;
  study_uid: string;
  xsi_type: string | null;
  status: string;
  scan_date: string | null;
  scan_time: string | null;
  uploaded: string;
  last_modified: string;
  /** Archive decision recorded at upload: null (project setting), 'Manual', 'AutoArchive', 'AutoArchiveOverwrite'. */
  auto_archive: string | null;
  /** Where the data came from: 'upload', 'dicom' (C-STORE), 'cli'... */
  source: string;
  prevent_anon: number;
  prevent_auto_commit: number;
  /** Session values read from the DICOM headers (JSON object of experiment field values). */
  fields: string;
  /** The last thing that happened to it (why it is in CONFLICT or ERROR). */
  message: string | null;
  created_by: string;
}

export interface PrearchiveScanTable {
  session_id: number;
  scan_id: string;
  /** The folder under SCANS/ holding its files. */
  folder: string;
  series_uid: string;
  xsi_type: string;
  /** Scan values read from the headers (JSON object of scan field values). */
  fields: string;
  file_count: number;
  file_size: number;
}

export interface PrearchiveFileTable {
  session_id: number;
  scan_id: string;
  name: string;
  size: number;
  md5: string;
  sop_uid: string;
}
