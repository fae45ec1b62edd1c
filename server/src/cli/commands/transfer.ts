import fsp from 'node:fs/promises';
import type { Command } from 'commander';
import type { ClientSettings } from '../../config/client-settings.js';
import { connect } from '../client/connect.js';
import { normaliseServerUrl } from '../client/credentials.js';
import { ConflictError, UsageError } from '../client/errors.js';
import { commaList, parallelism, repeated } from '../client/options.js';
import { formatBytes, formatDuration, formatRate, plural } from '../client/format.js';
import { Progress, progressMode } from '../client/progress.js';
import { HttpError, type XnatClient } from '../client/xnat-client.js';
import { copySession, type CopyResult } from '../transfer/copy-session.js';
import { parseLabelMap } from '../transfer/label-map.js';
import { planTransfer, type SessionPlan } from '../transfer/plan.js';
import { readSourceSessions } from '../transfer/source-session.js';

interface TransferOptions {
  from?: string; to?: string; sourceProject: string; destProject: string; subject?: string[]; session?: string[]; scanType?: string[];
  resource?: string[]; sessionResources: boolean; map: string[]; labelMap?: string; merge?: boolean; overwrite?: boolean; dryRun?: boolean;
  parallel: string; progress: boolean;
}


/**
 * `xnat-ts transfer`: copies sessions from one project to another, on the same server or between two,
 * with a label map, a conflict check before anything is written, a dry run, and a verification of every
 * file (present, same size, same MD5) in the destination. Exit codes: 0 all verified, 1 something not
 * verified, 2 usage, 3 conflicts (nothing written).
 */
export function registerTransferCommand(program: Command, settings: () => ClientSettings): void {
  program.command('transfer')
    .description('copy sessions to another project, on the same server or another one, and verify every file')
    .requiredOption('--source-project <id>', 'project to copy from')
    .requiredOption('--dest-project <id>', 'project to copy into')
    .option('--from <url>', 'source server (default: the last one logged in to)')
    .option('--to <url>', 'destination server (default: the source server); log in to both first')
    .option('--subject <labels>', 'only sessions of these subjects', commaList)
    .option('--session <labels>', 'only these sessions, by label or accession ID', commaList)
    .option('--scan-type <types>', 'only scans of these types', commaList)
    .option('--resource <labels>', 'only these resources (DICOM, NIFTI, ...)', commaList)
    .option('--no-session-resources', "leave out the sessions' own resources")
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
      const map = parseLabelMap(opts.map, opts.labelMap ? await fsp.readFile(opts.labelMap, 'utf8') : undefined);
      const source = await connect({ server: opts.from }, settings());
      const dest = opts.to ? await connect({ server: opts.to }, settings()) : source;
      if (normaliseServerUrl(source.base) === normaliseServerUrl(dest.base)) await noteSameServer(dest);
      const sessions = await readSourceSessions(source, {
        project: opts.sourceProject, subjects: opts.subject, sessions: opts.session, scanTypes: opts.scanType, resources: opts.resource, sessionResources: opts.sessionResources,
      });
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

/** One server holds both projects: say how this copy runs (the server-side transfer API copies without the round trip). */
async function noteSameServer(server: XnatClient): Promise<void> {
  const probe = await server.request('GET', '/xapi/transfers', { accept: [200, 401, 403, 404, 405, 501] }).catch((e: unknown) => {
    if (e instanceof HttpError) return undefined;
    throw e;
  });
  const note = probe?.status === 200
    ? 'Note: source and destination are on the same server; this client copies through the REST API (the server-side /xapi/transfers API is not used by this version).'
    : 'Note: source and destination are on the same server, which offers no server-side transfer API (/xapi/transfers); copying through the REST API instead.';
  await probe?.body?.cancel();
  process.stderr.write(`${note}\n`);
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
