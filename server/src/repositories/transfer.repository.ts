import type { Selectable } from 'kysely';
import type { Db } from '../db/database.js';
import type { TransferTable } from '../db/tables/transfer.table.js';
import type {
  Transfer, TransferChecklist, TransferMode, TransferPhase, TransferProgress, TransferReport, TransferRequest, TransferSelection, TransferState,
} from '../domain/transfer.js';
import { bool, now } from './field-columns.js';

const toTransfer = (r: Selectable<TransferTable>): Transfer => ({
  id: r.id, state: r.state as TransferState, phase: r.phase as TransferPhase, mode: r.mode as TransferMode,
  source: r.source_project_id, destination: r.destination_project_id, createdBy: r.created_by, userId: r.user_id,
  createdAt: r.created_at, updatedAt: r.updated_at, startedAt: r.started_at, finishedAt: r.finished_at,
  cancelRequested: bool(r.cancel_requested), jobId: r.job_id,
  request: JSON.parse(r.request) as TransferRequest,
  selection: JSON.parse(r.selection) as TransferSelection,
  checklist: JSON.parse(r.checklist) as TransferChecklist,
  progress: JSON.parse(r.progress) as TransferProgress,
  report: r.report ? (JSON.parse(r.report) as TransferReport) : null,
});

export interface NewTransfer {
  readonly id: string;
  readonly userId: number;
  readonly createdBy: string;
  readonly request: TransferRequest;
  readonly selection: TransferSelection;
  readonly checklist: TransferChecklist;
  readonly progress: TransferProgress;
  readonly checkpoint: unknown;
}

export async function insertTransfer(db: Db, t: NewTransfer): Promise<void> {
  const at = now();
  await db.insertInto('transfer').values({
    id: t.id, user_id: t.userId, created_by: t.createdBy, mode: t.request.mode,
    source_project_id: t.request.source, destination_project_id: t.request.destination,
    request: JSON.stringify(t.request), selection: JSON.stringify(t.selection), checklist: JSON.stringify(t.checklist),
    state: 'queued', phase: 'queued', progress: JSON.stringify(t.progress), checkpoint: JSON.stringify(t.checkpoint), report: null,
    job_id: null, cancel_requested: 0, created_at: at, updated_at: at, started_at: null, finished_at: null,
  }).execute();
}

export async function findTransfer(db: Db, id: string): Promise<Transfer | undefined> {
  const row = await db.selectFrom('transfer').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toTransfer(row);
}

export async function findTransferCheckpoint(db: Db, id: string): Promise<unknown> {
  const row = await db.selectFrom('transfer').select('checkpoint').where('id', '=', id).executeTakeFirst();
  return row ? (JSON.parse(row.checkpoint) as unknown) : undefined;
}

/** Newest first; only this user's transfers unless `userId` is undefined (site administrators). */
export async function listTransfers(db: Db, q: { userId?: number; state?: TransferState; limit: number }): Promise<Transfer[]> {
  let query = db.selectFrom('transfer').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(q.limit);
  if (q.userId !== undefined) query = query.where('user_id', '=', q.userId);
  if (q.state) query = query.where('state', '=', q.state);
  return (await query.execute()).map(toTransfer);
}

export interface TransferChanges {
  readonly state?: TransferState;
  readonly phase?: TransferPhase;
  readonly progress?: TransferProgress;
  readonly checkpoint?: unknown;
  readonly report?: TransferReport;
  readonly jobId?: number;
  readonly cancelRequested?: boolean;
  readonly started?: boolean;
  readonly finished?: boolean;
}

export async function updateTransfer(db: Db, id: string, c: TransferChanges): Promise<void> {
  const at = now();
  await db.updateTable('transfer').set((eb) => ({
    updated_at: at,
    ...(c.state !== undefined && { state: c.state }),
    ...(c.phase !== undefined && { phase: c.phase }),
    ...(c.progress !== undefined && { progress: JSON.stringify(c.progress) }),
    ...(c.checkpoint !== undefined && { checkpoint: JSON.stringify(c.checkpoint) }),
    ...(c.report !== undefined && { report: JSON.stringify(c.report) }),
    ...(c.jobId !== undefined && { job_id: c.jobId }),
    ...(c.cancelRequested !== undefined && { cancel_requested: c.cancelRequested ? 1 : 0 }),
    ...(c.started && { started_at: eb.fn.coalesce('started_at', eb.val(at)) }),
    ...(c.finished && { finished_at: at }),
  })).where('id', '=', id).execute();
}
