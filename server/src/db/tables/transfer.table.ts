/** A server-side copy or move between projects (services/transfers), with its plan, progress and report as JSON. */
export interface TransferTable {
  id: string;
  user_id: number;
  created_by: string;
  mode: string;
  source_project_id: string;
  destination_project_id: string;
  request: string;
  /** The resolved items and label map, fixed when the transfer was accepted. */
  selection: string;
  /** The dry-run checklist as it was when the transfer was accepted. */
  checklist: string;
  state: string;
  phase: string;
  progress: string;
  /** What is already done, so a restarted transfer resumes instead of starting over. */
  checkpoint: string;
  report: string | null;
  job_id: number | null;
  cancel_requested: number;
  created_at: string;
  updated_at: string;
  started_at: string | null;
  finished_at: string | null;
}
