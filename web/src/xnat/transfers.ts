import { call, enc } from './http.ts';

/** Server-side copy and move between projects (`/xapi/transfers`, docs/sharing-and-transfers.md §3). */
export interface TransferRequest {
  readonly source: string;
  readonly destination: string;
  readonly mode: 'copy' | 'move';
  readonly all?: boolean;
  readonly subjects?: readonly string[];
  readonly subjectLabels?: Readonly<Record<string, string>>;
  readonly resources?: readonly string[] | null;
  readonly reason?: string;
}

export interface Problem {
  readonly kind: string;
  readonly item: string;
  readonly message: string;
}

export interface Checklist {
  readonly ok: boolean;
  readonly mode: 'copy' | 'move';
  readonly access: {
    readonly source: { readonly project: string; readonly role: string; readonly read: boolean; readonly write: boolean; readonly delete: boolean };
    readonly destination: { readonly project: string; readonly role: string; readonly read: boolean; readonly write: boolean; readonly delete: boolean; readonly createSubjects: boolean };
  };
  readonly destinationSettings: { readonly uploadsGoTo: string; readonly transfersGoTo: string; readonly allowSubjectCreation: boolean };
  readonly subjects: readonly { readonly sourceLabel: string; readonly destLabel: string; readonly action: string }[];
  readonly experiments: readonly {
    readonly sourceLabel: string; readonly destLabel: string; readonly destSubjectLabel: string; readonly xsiType: string; readonly action: string;
    readonly studyInstanceUid?: { readonly source: string | null; readonly destination: string | null; readonly agree: boolean } | null;
    readonly files: number; readonly bytes: number;
  }[];
  readonly problems: readonly Problem[];
  readonly warnings: readonly string[];
  readonly totals: { readonly subjects: number; readonly experiments: number; readonly scans: number; readonly files: number; readonly bytes: number };
  readonly storage: { readonly method: string; readonly bytesNeeded: number; readonly bytesFree: number; readonly enough: boolean };
}

export interface Transfer {
  readonly id: string;
  readonly state: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  readonly phase: string;
  readonly mode: 'copy' | 'move';
  readonly source: string;
  readonly destination: string;
  readonly createdBy: string;
  readonly createdAt: string;
  readonly finishedAt: string | null;
  readonly cancelRequested: boolean;
  readonly progress: { readonly experimentsDone: number; readonly experimentsTotal: number; readonly filesDone: number; readonly filesTotal: number; readonly bytesTotal: number; readonly percent: number };
  readonly report: {
    readonly outcome: string;
    readonly message: string;
    readonly experiments: readonly { readonly sourceLabel: string; readonly destLabel: string; readonly status: string; readonly error?: string }[];
    readonly verification: {
      readonly passed: boolean;
      readonly expected: Readonly<Record<string, number>>;
      readonly found: Readonly<Record<string, number>>;
      readonly problems: readonly { readonly kind: string; readonly item: string; readonly path?: string }[];
    } | null;
    readonly sourceDeleted: boolean;
    readonly sourceKeptReason: string | null;
  } | null;
  /** The checklist it was started with; only on one transfer, not in the list. */
  readonly checklist?: Checklist;
}

const json = (body: unknown) => ({ body: JSON.stringify(body), contentType: 'application/json' });

/** The pre-transfer checklist of the seeds, without changing anything. */
export async function dryRun(request: TransferRequest): Promise<Checklist> {
  const response = await call('POST', '/xapi/transfers', json({ ...request, dryRun: true }));
  return ((await response.json()) as { checklist: Checklist }).checklist;
}

export async function startTransfer(request: TransferRequest): Promise<Transfer> {
  return ((await (await call('POST', '/xapi/transfers', json(request))).json()) as { transfer: Transfer }).transfer;
}

export async function getTransfer(id: string, signal?: AbortSignal): Promise<Transfer> {
  return ((await (await call('GET', `/xapi/transfers/${enc(id)}`, { signal })).json()) as { transfer: Transfer }).transfer;
}

export async function listTransfers(signal?: AbortSignal): Promise<Transfer[]> {
  return ((await (await call('GET', '/xapi/transfers', { query: { limit: 100 }, signal })).json()) as { transfers: Transfer[] }).transfers;
}

export async function cancelTransfer(id: string): Promise<Transfer> {
  return ((await (await call('POST', `/xapi/transfers/${enc(id)}/cancel`)).json()) as { transfer: Transfer }).transfer;
}
