import { ConflictError, UsageError } from '../client/errors.js';
import { formatBytes, plural } from '../client/format.js';
import { HttpError, type XnatClient } from '../client/xnat-client.js';
import type { SessionRow } from '../download/plan-selection.js';
import type { LabelMap } from './label-map.js';

/** What the CLI asks of a transfer, in its own terms. */
export interface TransferChoice {
  readonly source: string;
  readonly destination: string;
  /** The sessions chosen (all sessions of the source when no filter was given). */
  readonly sessions: readonly SessionRow[];
  /** True when no subject or session filter was given: the server then copies whole subjects. */
  readonly everything: boolean;
  readonly scanTypes?: readonly string[];
  readonly resources?: readonly string[];
  readonly map: LabelMap;
}

interface ChecklistExperiment { sourceLabel: string; destLabel: string; destSubjectLabel: string; action: string; files: number; bytes: number; filesAlreadyThere: number }
interface Problem { kind: string; item: string; message: string }
export interface Checklist {
  ok: boolean;
  experiments: ChecklistExperiment[];
  problems: Problem[];
  warnings: string[];
  totals: { experiments: number; files: number; bytes: number };
}

export interface TransferView {
  id: string;
  state: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  progress: { bytesCopied: number; bytesVerified: number; bytesTotal: number; filesDone: number; filesTotal: number };
  report: null | {
    message: string;
    experiments: { sourceLabel: string; destId: string | null; destLabel: string; status: string; error?: string }[];
    verification: { passed: boolean; problems: { kind: string; item: string; path?: string }[] };
  };
}

/** Whether the server copies between its own projects itself (`/xapi/transfers`, the sharing area's API). */
export async function offersServerTransfers(client: XnatClient): Promise<boolean> {
  const res = await client.request('GET', '/xapi/transfers', { query: { limit: '1' }, accept: [200, 401, 403, 404, 405, 501] });
  await res.body?.cancel();
  return res.status === 200;
}

/** The `/xapi/transfers` request for the CLI's options (scan types become XNAT scan selectors per session). */
export function transferRequest(choice: TransferChoice, dryRun: boolean): Record<string, unknown> {
  const selector = choice.scanTypes?.map((t) => t.replace(/\//g, '[SLASH]').replace(/,/g, '[COMMA]')).join(',');
  return {
    source: choice.source, destination: choice.destination, mode: 'copy', dryRun,
    ...(choice.everything ? { all: true } : { experiments: choice.sessions.map((s) => s.label) }),
    subjectLabels: Object.fromEntries(choice.map.subjects), experimentLabels: Object.fromEntries(choice.map.sessions),
    ...(selector && { scans: Object.fromEntries(choice.sessions.map((s) => [s.label, selector])) }),
    ...(choice.resources?.length && { resources: choice.resources }),
    reason: 'xnat-ts transfer',
  };
}

/** Posts a transfer; a refused one (403/409) becomes the checklist it was refused with. */
export async function postTransfer(client: XnatClient, body: Record<string, unknown>): Promise<{ checklist?: Checklist; transfer?: TransferView }> {
  try {
    const res = await client.request('POST', '/xapi/transfers', { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return (await res.json()) as { checklist?: Checklist; transfer?: TransferView };
  } catch (e) {
    if (e instanceof HttpError && (e.status === 403 || e.status === 409)) {
      const checklist = (JSON.parse(e.body || '{}') as { error?: { details?: { checklist?: Checklist } } }).error?.details?.checklist;
      if (checklist) return { checklist };
    }
    throw e;
  }
}

/** Prints the server's checklist like the client-side plan, and refuses what the CLI's options do not allow. */
export function reviewChecklist(checklist: Checklist, merge: boolean): string[] {
  const lines = checklist.experiments.map((e) => `  ${e.sourceLabel} -> ${e.destSubjectLabel}/${e.destLabel}: ${plural(e.files, 'file')} (${formatBytes(e.bytes)}) [${e.action === 'merge' ? `merge, ${e.filesAlreadyThere} already there` : 'new session'}]`);
  for (const p of checklist.problems) lines.push(`  PROBLEM (${p.kind}) ${p.item}: ${p.message}`);
  for (const w of checklist.warnings) lines.push(`  note: ${w}`);
  lines.push(`  total: ${plural(checklist.totals.experiments, 'experiment')}, ${plural(checklist.totals.files, 'file')} (${formatBytes(checklist.totals.bytes)})`);
  process.stdout.write(`${lines.join('\n')}\n`);
  if (checklist.problems.some((p) => p.kind === 'access')) throw new UsageError(`Cannot transfer: ${checklist.problems.filter((p) => p.kind === 'access').map((p) => p.message).join('; ')}`);
  if (checklist.problems.length > 0) throw new ConflictError(`${plural(checklist.problems.length, 'problem')} in the destination; nothing was copied`);
  const merges = checklist.experiments.filter((e) => e.action === 'merge');
  if (merges.length > 0 && !merge) {
    throw new ConflictError(`${merges.map((e) => e.destLabel).join(', ')} already exist${merges.length === 1 ? 's' : ''} in the destination (add --merge to add the missing scans and files); nothing was copied`);
  }
  return lines;
}

/** Follows a running transfer until it ends, reporting bytes as they are copied and verified. */
export async function followTransfer(client: XnatClient, id: string, onProgress: (done: number, total: number) => void): Promise<TransferView> {
  const cancel = () => {
    process.stderr.write(`\nCancelling transfer ${id}...\n`);
    void client.request('POST', `/xapi/transfers/${id}/cancel`, { accept: [200, 409] }).finally(() => process.exit(130));
  };
  process.once('SIGINT', cancel);
  try {
    for (;;) {
      const { transfer } = await (await client.request('GET', `/xapi/transfers/${id}`)).json() as { transfer: TransferView };
      const p = transfer.progress;
      onProgress(p.bytesCopied + p.bytesVerified, p.bytesTotal * 2);
      if (transfer.state === 'succeeded' || transfer.state === 'failed' || transfer.state === 'cancelled') return transfer;
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    process.removeListener('SIGINT', cancel);
  }
}
