import type { Command } from 'commander';
import type { ClientSettings } from '../../config/client-settings.js';
import { connect } from '../client/connect.js';
import { UsageError } from '../client/errors.js';
import { parallelism } from '../client/options.js';
import { formatBytes, formatDuration, formatRate, plural } from '../client/format.js';
import { runPool } from '../client/pool.js';
import { Progress, progressMode } from '../client/progress.js';
import { HttpError } from '../client/xnat-client.js';
import type { UploadUnit } from '../upload/scan-inputs.js';
import { sendUnit, type ImportOptions } from '../upload/send-unit.js';
import { UploadState } from '../upload/upload-state.js';
import { countUploaded } from '../upload/verify-upload.js';

interface UploadOptions {
  server?: string; project: string; subject?: string; session?: string; to?: string; overwrite?: string; parallel: string;
  restart?: boolean; dryRun?: boolean; progress: boolean;
}

interface UnitResult {
  readonly unit: UploadUnit;
  readonly state: 'verified' | 'skipped' | 'unverified' | 'failed';
  readonly uris: readonly string[];
  readonly found?: number;
  readonly message?: string;
}

/**
 * `xnat-ts upload`: DICOM folders and zip/tar archives into a project through XNAT's import service,
 * one request per study (or per archive), labels from the options or from the DICOM headers, into the
 * prearchive or the archive. Progress is remembered: a rerun skips verified studies. Every study is
 * verified by counting the files the server then holds for it.
 */
export function registerUploadCommand(program: Command, settings: () => ClientSettings): void {
  program.command('upload')
    .description('upload DICOM folders or zip/tar archives into a project (prearchive or archive), resumably, verifying each session')
    .argument('<paths...>', 'DICOM files, folders of them, or zip/tar/tar.gz archives')
    .requiredOption('-p, --project <id>', 'destination project')
    .option('-s, --server <url>', 'server (default: the last one logged in to)')
    .option('--subject <label>', 'subject label (default: from the DICOM headers, as the server routes them)')
    .option('--session <label>', 'session label (default: from the DICOM headers); only for a single study')
    .option('--to <place>', 'prearchive or archive (default: what the project is set to)')
    .option('--overwrite <mode>', 'when the archive already has the session: none, append or delete')
    .option('-j, --parallel <n>', 'studies uploaded at a time', '2')
    .option('--restart', 'forget what earlier runs uploaded and send everything again')
    .option('--dry-run', 'list the studies found and upload nothing')
    .option('--no-progress', 'no progress bar')
    .action(async (paths: string[], opts: UploadOptions) => {
      const parallel = parallelism(opts.parallel, 16);
      if (opts.to !== undefined && opts.to !== 'prearchive' && opts.to !== 'archive') throw new UsageError(`--to must be prearchive or archive, not '${opts.to}'`);
      if (opts.overwrite !== undefined && !['none', 'append', 'delete'].includes(opts.overwrite)) throw new UsageError(`--overwrite must be none, append or delete, not '${opts.overwrite}'`);
      // The DICOM reader is loaded only when it is needed: other commands start faster without it.
      const { scanInputs } = await import('../upload/scan-inputs.js');
      const scan = await scanInputs(paths);
      const studies = scan.units.reduce((n, u) => n + (u.kind === 'study' ? 1 : u.studies.size), 0);
      if (opts.session && studies > 1) throw new UsageError(`--session names one session, but the inputs hold ${studies} studies; upload them separately or leave --session out`);
      printFound(scan.units, scan.skipped);
      if (opts.dryRun || scan.units.length === 0) return;
      const env = settings();
      const client = await connect({ server: opts.server }, env);
      const state = await UploadState.open(env.configDir, client.base, opts.project, paths.map((p) => p));
      if (opts.restart) await state.clear();
      const options: ImportOptions = { project: opts.project, subject: opts.subject, session: opts.session, destination: opts.to as ImportOptions['destination'], overwrite: opts.overwrite as ImportOptions['overwrite'] };
      const total = scan.units.reduce((n, u) => n + u.bytes, 0);
      const bar = new Progress('Uploading', total, scan.units.length, progressMode(opts.progress));
      const results: UnitResult[] = [];
      const started = Date.now();
      try {
        await runPool(scan.units, parallel, async (unit, i) => {
          results[i] = await uploadUnit(client, unit, options, state, (n) => bar.add(n));
          bar.fileDone();
        });
      } finally {
        bar.stop();
      }
      process.exitCode = printSummary(results, Date.now() - started);
    });
}

async function uploadUnit(client: Parameters<typeof sendUnit>[0], unit: UploadUnit, options: ImportOptions, state: UploadState, onBytes: (n: number) => void): Promise<UnitResult> {
  const earlier = state.get(unit.key);
  if (earlier?.status === 'verified') {
    onBytes(unit.bytes);
    return { unit, state: 'skipped', uris: earlier.uris };
  }
  let uris = earlier?.uris ?? [];
  if (!earlier) {
    let sent = 0;
    try {
      uris = await sendUnit(client, unit, options, (n) => {
        sent += n;
        onBytes(n);
      });
    } catch (e) {
      onBytes(unit.bytes - sent);
      return { unit, state: 'failed', uris: [], message: e instanceof HttpError ? `${e.status}: ${e.detail}` : (e as Error).message };
    }
    await state.set(unit.key, { status: 'uploaded', uris, instances: unit.instances, at: new Date().toISOString() });
  } else {
    onBytes(unit.bytes);
  }
  if (uris.length === 0) return { unit, state: 'unverified', uris, message: 'the server accepted the upload but named no session (filtered or unroutable data?)' };
  const found = await countUploaded(client, uris, unit.instances);
  if (found < unit.instances) return { unit, state: 'unverified', uris, found, message: `${found} of ${unit.instances} instances found on the server` };
  await state.set(unit.key, { status: 'verified', uris, instances: unit.instances, at: new Date().toISOString() });
  return { unit, state: 'verified', uris, found };
}

function describe(unit: UploadUnit): string {
  if (unit.kind === 'archive') return `${unit.path} (${plural(unit.studies.size, 'study')}, ${plural(unit.instances, 'instance')}, ${formatBytes(unit.bytes)})`;
  const h = unit.header;
  return `${h.modality || 'DICOM'} study of ${h.patientName || h.patientId || 'unnamed patient'}${h.studyDate ? ` on ${h.studyDate}` : ''} (${plural(unit.instances, 'instance')}, ${formatBytes(unit.bytes)})`;
}

function printFound(units: readonly UploadUnit[], skipped: readonly string[]): void {
  const lines = [`Found ${plural(units.length, 'upload')}:`, ...units.map((u) => `  ${describe(u)}`)];
  if (skipped.length > 0) lines.push(`  left out ${plural(skipped.length, 'file')} that are neither DICOM nor archives, e.g. ${skipped[0]}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

function printSummary(results: readonly UnitResult[], elapsed: number): number {
  const bytes = results.filter((r) => r.state !== 'skipped' && r.state !== 'failed').reduce((n, r) => n + r.unit.bytes, 0);
  const lines = results.map((r) => {
    const target = r.uris.length ? ` -> ${r.uris.join(', ')}` : '';
    switch (r.state) {
      case 'verified': return `  verified ${describe(r.unit)}${target}`;
      case 'skipped': return `  already uploaded and verified ${describe(r.unit)}${target}`;
      case 'unverified': return `  NOT verified ${describe(r.unit)}${target}: ${r.message}`;
      case 'failed': return `  FAILED ${describe(r.unit)}: ${r.message}`;
    }
  });
  const instances = results.reduce((n, r) => n + r.unit.instances, 0);
  const bad = results.filter((r) => r.state === 'failed' || r.state === 'unverified');
  lines.unshift(`Uploaded ${formatBytes(bytes)} in ${formatDuration(elapsed)} at ${formatRate(bytes, elapsed)}`);
  lines.push(bad.length === 0
    ? `Verified: ${plural(results.length, 'upload')}, ${plural(instances, 'instance')} on the server`
    : `NOT verified: ${bad.length} of ${results.length} uploads; run the same command again to retry them`);
  process.stdout.write(`${lines.join('\n')}\n`);
  return bad.length === 0 ? 0 : 1;
}
