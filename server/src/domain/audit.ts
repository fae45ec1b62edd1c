/** The audit trail: who did what to which item, when, and why (XNAT's event_reason). */
export type AuditAction =
  | 'create' | 'update' | 'delete' | 'rename'
  | 'upload' | 'delete-files'
  | 'share' | 'unshare' | 'change-owner' | 'copy' | 'move'
  | 'archive' | 'import'
  | 'add-member' | 'remove-member' | 'set-accessibility'
  | 'login' | 'create-user' | 'update-user';

export type AuditEntityType = 'project' | 'subject' | 'experiment' | 'scan' | 'resource' | 'file' | 'user' | 'config' | 'transfer' | 'prearchive';

export interface NewAuditEvent {
  readonly actor: string;
  readonly action: AuditAction;
  readonly entityType: AuditEntityType;
  readonly entityId: string;
  readonly projectId?: string | null;
  readonly label?: string | null;
  readonly reason?: string | null;
  readonly details?: Record<string, unknown> | null;
}

export interface AuditEvent extends NewAuditEvent {
  readonly id: number;
  readonly at: string;
  readonly projectId: string | null;
  readonly label: string | null;
  readonly reason: string | null;
  readonly details: Record<string, unknown> | null;
}
