import type { Command } from 'commander';
import type { ClientSettings } from '../../config/client-settings.js';
import { connect } from '../client/connect.js';
import { readOptionFile } from '../client/local-files.js';
import { normaliseServerUrl } from '../client/credentials.js';
import { ClientError, ConflictError, UsageError } from '../client/errors.js';
import { parallelism, repeated } from '../client/options.js';
import { formatBytes, formatDuration, formatRate, plural } from '../client/format.js';
import { Progress, progressMode } from '../client/progress.js';
import type { XnatClient } from '../client/xnat-client.js';
import { listSessions } from '../download/plan-selection.js';
import { copySession, type CopyResult } from '../transfer/copy-session.js';
import { parseLabelMap, type LabelMap } from '../transfer/label-map.js';
import { planTransfer, type SessionPlan } from '../transfer/plan.js';
import { followTransfer, offersServerTransfers, postTransfer, reviewChecklist, transferRequest, type Checklist, type TransferChoice, type TransferView } from '../transfer/server-side.js';
import { readSourceSessions } from '../transfer/source-session.js';
import { listDestFiles, verifyCopy } from '../transfer/verify-copy.js';
import { selectionOf, withSelectionOptions, type SelectionFlags } from './selection-options.js';

interface TransferOptions extends SelectionFlags {
  from?: string; to?: string; sourceProject: string; destProject: string; map: string[]; labelMap?: string; merge?: boolean; overwrite?: boolean;
  dryRun?: boolean; parallel: string; progress: boolean;
}

/**
 * `xnat-ts transfer`: copies sessions from one project to another, on the same server or between two,
 * with a label map, a conflict check before anything is written, a dry run, and a verification of every
 * file (present, same size, same MD5) in the destination. Between servers the copy goes through the REST
 * API from here; within one server, the server copies itself (`/xapi/transfers`) when it can. Exit codes:
 * 0 all verified, 1 something not verified, 2 usage, 3 conflicts (nothing written).
 */
export function registerTransferCommand(program: Command, settings: () => ClientSettings): void {
  withSelectionOptions(program.command('transfer')
    .description('copy sessions to another project, on the same server or another one, and verify every file')
    .requiredOption('--source-project <id>', 'project to copy from')
    .requiredOption('--dest-project <id>', 'project to copy into')
    .option('--from <url>', 'source server (default: the last one logged in to)')
    .option('--to <url>', 'destination server (default: the source server); log in to both first'))
    .option('--map <subject:OLD=NEW|session:OLD=NEW>', 'new label in the destination (repeatable)', repeated, [])
    .option('--label-map <file>', 'CSV of new labels: kind,old,new (kind: subject or session)')
    .option('--merge', 'add missing scans and files to destination sessions that already have the label')
    .option('--overwrite', 'with --merge, replace destination files whose content differs')
    .option('--dry-run', 'check access and conflicts and show what would be copied; change nothing')
    .option('-j, --parallel <n>', 'files copied at a time', '4')
    .option('--no-progress', 'no progress bar')
    .action(async (opts: TransferOptions) => {
      const parallel = parallelism(opts.parallel, 64);
      if (opts.overwrite && !opts.merge) throw new UsageError('--overwrite only makes sense with --merge');
      const map = parseLabelMap(opts.map, opts.labelMap ? await readOptionFile(opts.labelMap, '--label-map') : undefined);
      const source = await connect({ server: opts.from }, settings());
      const dest = opts.to ? await connect({ server: opts.to }, settings()) : source;
      if (normaliseServerUrl(source.base) === normaliseServerUrl(dest.base)) {
        const unsupported = opts.overwrite ? '--overwrite' : !opts.sessionResources ? '--no-session-resources' : undefined;
        if (!unsupported && (await offersServerTransfers(dest))) {
          process.stderr.write(`Source and destination are on the same server: it copies the files itself (/xapi/transfers), without sending them through this computer.\n`);
          process.exitCode = await runOnServer(dest, opts, map);
          return;
        }
        process.stderr.write(unsupported
          ? `Note: ${unsupported} is not available for the server's own transfers; copying through the REST API instead.\n`
          : 'Note: source and destination are on the same server, which offers no server-side transfer API (/xapi/transfers); copying through the REST API instead.\n');
      }
      const sessions = await readSourceSessions(source, selectionOf(opts.sourceProject, opts));
      if (sessions.length === 0) throw new UsageError(`No sessions to transfer in ${opts.sourceProject} on ${source.base}`);
      const plan = await planTransfer(dest, opts.destProject, sessions, map, opts.merge ?? false);
      printPlan(source, dest, opts, plan.sessions, plan.blockers);
      const conflicts = plan.sessions.filter((s) => s.state === 'conflict');
      if (plan.blockers.length > 0) throw new UsageError(`Cannot transfer: ${plan.blockers.join('; ')}`);
      if (conflicts.length > 0) throw new ConflictError(`${plural(conflicts.length, 'session')} in conflict; nothing was copied`);
      if (opts.dryRun) {
        process.stdout.write('Dry run: nothing was copied.\n');
        return;
      }
      process.exitCode = await run(source, dest, opts.destProject, plan.sessions, { overwrite: opts.overwrite ?? false, parallel, progress: opts.progress });
    });
}

/** A copy between projects of one server, done by the server (`/xapi/transfers`), checked again from here. */
async function runOnServer(client: XnatClient, opts: TransferOptions, map: LabelMap): Promise<number> {
  const sessions = await listSessions(client, { project: opts.sourceProject, subjects: opts.subject, sessions: opts.session });
  if (sessions.length === 0) throw new UsageError(`No sessions to transfer in ${opts.sourceProject} on ${client.base}`);
  const choice: TransferChoice = {
    source: opts.sourceProject, destination: opts.destProject, sessions, everything: !opts.subject?.length && !opts.session?.length,
    scanTypes: opts.scanType, resources: opts.resource, map,
  };
  process.stdout.write(`Transfer from ${opts.sourceProject} to ${opts.destProject} on ${client.base}:\n`);
  const dry = await postTransfer(client, transferRequest(choice, true));
  if (!dry.checklist) throw new ClientError(`${client.base} answered the dry run without a checklist`);
  reviewChecklist(dry.checklist, opts.merge ?? false);
  if (opts.dryRun) {
    process.stdout.write('Dry run: nothing was copied.\n');
    return 0;
  }
  const started = await postTransfer(client, transferRequest(choice, false));
  if (!started.transfer) {
    reviewChecklist(started.checklist as Checklist, opts.merge ?? false);
    throw new ClientError(`${client.base} did not start the transfer`);
  }
  const bar = new Progress('Copying on the server', Math.max(1, dry.checklist.totals.bytes * 2), dry.checklist.totals.files, progressMode(opts.progress));
  let shown = 0;
  const began = Date.now();
  let done: TransferView;
  try {
    done = await followTransfer(client, started.transfer.id, (bytes) => {
      bar.add(bytes - shown);
      shown = bytes;
    });
  } finally {
    bar.stop();
  }
  const report = done.report;
  const lines = [`Transfer ${done.id} ${done.state} in ${formatDuration(Date.now() - began)}: ${report?.message ?? 'no report'}`];
  for (const e of report?.experiments ?? []) lines.push(`  ${e.sourceLabel} -> ${e.destLabel}${e.destId ? ` (${e.destId})` : ''}: ${e.status}${e.error ? `: ${e.error}` : ''}`);
  for (const p of report?.verification.problems.slice(0, 20) ?? []) lines.push(`  SERVER CHECK ${p.kind} ${p.item}${p.path ? ` ${p.path}` : ''}`);
  // Checked again from here, the same way as a copy between servers: every source file listed in the destination.
  const sources = await readSourceSessions(client, {
    project: opts.sourceProject, sessions: sessions.map((x) => x.id), scanTypes: opts.scanType, resources: opts.resource, sessionResources: true,
  });
  let total = 0;
  let verified = 0;
  const failures: string[] = [];
  for (const e of report?.experiments ?? []) {
    const src = sources.find((x) => x.label === e.sourceLabel);
    if (!src) continue;
    total += src.files.length;
    if (!e.destId) continue;
    const checked = verifyCopy(src.files, await listDestFiles(client, `/data/projects/${encodeURIComponent(opts.destProject)}/experiments/${encodeURIComponent(e.destId)}`));
    verified += checked.verified;
    failures.push(...checked.failures.map((f) => `${e.destLabel}: ${f}`));
  }
  for (const f of failures.slice(0, 20)) lines.push(`  FAILED ${f}`);
  const ok = done.state === 'succeeded' && (report?.verification.passed ?? false) && failures.length === 0 && verified === total;
  lines.push(ok
    ? `Verified: ${verified} of ${total} files present in ${opts.destProject} with the same size and MD5 (and the server's own check passed)`
    : `NOT verified: ${total - verified} of ${total} files${report?.verification.passed === false ? '; the server\'s own check failed' : ''}`);
  process.stdout.write(`${lines.join('\n')}\n`);
  return ok ? 0 : 1;
}

function printPlan(source: XnatClient, dest: XnatClient, opts: TransferOptions, plans: readonly SessionPlan[], blockers: readonly string[]): void {
  const lines = [`Transfer from ${opts.sourceProject} on ${source.base} to ${opts.destProject} on ${dest.base}:`];
  for (const p of plans) {
    const bytes = p.source.files.reduce((n, f) => n + (f.size ?? 0), 0);
    const state = p.state === 'new' ? (p.subjectExists ? 'new session under existing subject' : 'new subject and session') : p.state === 'merge' ? 'merge' : 'CONFLICT';
    lines.push(`  ${p.source.subject}/${p.source.label} -> ${p.destSubject}/${p.destLabel}: ${plural(p.source.scans.length, 'scan')}, ${plural(p.source.files.length, 'file')} (${formatBytes(bytes)}) [${state}${p.note && p.state !== 'new' ? `: ${p.note}` : ''}]`);
  }
  for (const b of blockers) lines.push(`  BLOCKED: ${b}`);
  const total = plans.reduce((n, p) => n + p.source.files.reduce((m, f) => m + (f.size ?? 0), 0), 0);
  lines.push(`  total: ${plural(plans.length, 'session')}, ${plural(plans.reduce((n, p) => n + p.source.files.length, 0), 'file')} (${formatBytes(total)})`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function run(source: XnatClient, dest: XnatClient, project: string, plans: readonly SessionPlan[], options: { overwrite: boolean; parallel: number; progress: boolean }): Promise<number> {
  const totalBytes = plans.reduce((n, p) => n + p.source.files.reduce((m, f) => m + (f.size ?? 0), 0), 0);
  const totalFiles = plans.reduce((n, p) => n + p.source.files.length, 0);
  const bar = new Progress('Copying', totalBytes, totalFiles, progressMode(options.progress));
  const results: CopyResult[] = [];
  const started = Date.now();
  try {
    for (const plan of plans) {
      results.push(await copySession(source, dest, project, plan, { overwrite: options.overwrite, parallel: options.parallel, onBytes: (n) => bar.add(n) }));
    }
  } finally {
    bar.stop();
  }
  const elapsed = Date.now() - started;
  const bytes = results.reduce((n, r) => n + r.bytesCopied, 0);
  const verified = results.reduce((n, r) => n + r.verified, 0);
  const failures = results.flatMap((r) => r.failures.map((f) => `${r.plan.destLabel}: ${f}`));
  const lines = results.map((r) => `  ${r.plan.source.label} -> ${r.plan.destLabel} (${r.destId}): ${plural(r.scansCreated, 'scan')} created, ${plural(r.filesCopied, 'file')} copied, ${r.filesPresent} already there, ${r.verified}/${r.plan.source.files.length} verified`);
  lines.unshift(`Copied ${plural(results.length, 'session')}, ${plural(results.reduce((n, r) => n + r.filesCopied, 0), 'file')} (${formatBytes(bytes)}) in ${formatDuration(elapsed)} at ${formatRate(bytes, elapsed)}`);
  for (const f of failures.slice(0, 20)) lines.push(`  FAILED ${f}`);
  if (failures.length > 20) lines.push(`  ... and ${failures.length - 20} more`);
  lines.push(failures.length === 0 && verified === totalFiles
    ? `Verified: ${verified} of ${totalFiles} files present in ${project} with the same size and MD5`
    : `NOT verified: ${totalFiles - verified} of ${totalFiles} files; run the same command with --merge to add what is missing`);
  process.stdout.write(`${lines.join('\n')}\n`);
  return failures.length === 0 && verified === totalFiles ? 0 : 1;
}
