import { call } from './http.ts';

/** One change in the audit trail, as the activity feed (`/xapi/activity`) gives it. */
export interface ActivityEvent {
  readonly id: number;
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly entityType: string;
  readonly entityId: string;
  readonly projectId: string | null;
  readonly label: string | null;
  readonly details: Record<string, unknown> | null;
}

export async function listActivity(options: { limit: number; before?: number }, signal?: AbortSignal): Promise<ActivityEvent[]> {
  const response = await call('GET', '/xapi/activity', { query: { limit: options.limit, before: options.before }, signal });
  return ((await response.json()) as { events: ActivityEvent[] }).events;
}
