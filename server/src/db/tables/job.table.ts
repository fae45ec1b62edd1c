import type { Generated } from 'kysely';

/** One unit of background work; `state` is queued | running | done | failed | cancelled. */
export interface JobTable {
  id: Generated<number>;
  name: string;
  /** JSON. */
  payload: string;
  state: string;
  attempts: number;
  max_attempts: number;
  run_after: string;
  lease_owner: string | null;
  lease_expires_at: string | null;
  cancel_requested: number;
  /** JSON, the handler's last progress report. */
  progress: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
}
