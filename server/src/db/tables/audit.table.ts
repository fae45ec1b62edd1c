import type { Generated } from 'kysely';

export interface AuditEventTable {
  id: Generated<number>;
  at: string;
  actor: string;
  action: string;
  entity_type: string;
  entity_id: string;
  project_id: string | null;
  label: string | null;
  reason: string | null;
  details: string | null;
}
