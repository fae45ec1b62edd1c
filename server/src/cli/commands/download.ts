import path from 'node:path';
import type { Command } from 'commander';
import { resolveInside } from '../../archive/layout.js';
import type { ClientSettings } from '../../config/client-settings.js';
import { connect } from '../client/connect.js';
import { readOptionFile } from '../client/local-files.js';
import { UsageError } from '../client/errors.js';
import { parallelism } from '../client/options.js';
import { formatBytes, formatDuration, formatRate, plural } from '../client/format.js';
import { runPool } from '../client/pool.js';
import { Progress, progressMode } from '../client/progress.js';
import { fetchFile, type FetchOutcome } from '../download/fetch-file.js';
import { planCatalog } from '../download/plan-catalog.js';
import { planSelection } from '../download/plan-selection.js';
import type { RemoteFile } from '../download/remote-file.js';
import type { XnatClient } from '../client/xnat-client.js';
import { selectionOf, withSelectionOptions, type SelectionFlags } from './selection-options.js';

interface DownloadOptions extends SelectionFlags {
  server?: string; project?: string; catalog?: string; out: string; parallel: string; structure: string; progress: boolean;
}

/**
 * `xnat-ts download`: a project/subject/session selection, or the files of a catalog XML, into a folder,
 * several files at a time; files already there with the right MD5 are skipped and interrupted ones
 * resume. Exits 1 when any file could not be fetched and verified.
 */
export function registerDownloadCommand(program: Command, settings: () => ClientSettings): void {
  withSelectionOptions(program.command('download')
    .description('download sessions (or the files of a catalog XML) into a folder, resumably, verifying every file')
    .option('-s, --server <url>', 'server (default: the last one logged in to)')
    .option('-p, --project <id>', 'project to download from'))
    .option('-c, --catalog <file>', 'download what a catalog XML lists (XNAT download catalog or xcat) instead of a selection')
    .option('-o, --out <dir>', 'destination folder', '.')
    .option('-j, --parallel <n>', 'files downloaded at a time', '4')
    .option('--structure <layout>', 'folder layout: default (as XNAT zips), simplified or improved', 'default')
    .option('--no-progress', 'no progress bar')
    .action(async (opts: DownloadOptions) => {
      const parallel = parallelism(opts.parallel, 64);
      if (!opts.project === !opts.catalog) throw new UsageError('Give either --project (with optional --subject/--session filters) or --catalog <file>');
      if (!['default', 'simplified', 'improved'].includes(opts.structure)) throw new UsageError(`Unknown --structure '${opts.structure}': use default, simplified or improved`);
      const client = await connect({ server: opts.server }, settings());
      const files = opts.catalog
        ? await planCatalog(client, await readOptionFile(opts.catalog, '--catalog'))
        : (await planSelection(client, { ...selectionOf(opts.project as string, opts), structure: opts.structure as 'default' | 'simplified' | 'improved' })).files;
      if (files.length === 0) throw new UsageError('Nothing to download: the selection holds no files');
      const out = path.resolve(opts.out);
      const code = await downloadAll(client, files, out, parallel, opts.progress);
      process.exitCode = code;
    });
}

async function downloadAll(client: XnatClient, files: readonly RemoteFile[], out: string, parallel: number, progress: boolean): Promise<number> {
  const targets = files.map((f) => resolveInside(out, f.localPath));
  const seen = new Set<string>();
  for (const target of targets) {
    if (seen.has(target)) throw new UsageError(`Two files would be written to ${target}; choose another --structure`);
    seen.add(target);
  }
  const totalBytes = files.reduce((n, f) => n + (f.size ?? 0), 0);
  const bar = new Progress('Downloading', totalBytes, files.length, progressMode(progress));
  const outcomes: FetchOutcome[] = [];
  const started = Date.now();
  try {
    await runPool(files, parallel, async (file, i) => {
      const outcome = await fetchFile(client, file, targets[i] as string, (n) => bar.add(n));
      if (outcome.kind === 'present') bar.add(outcome.bytes);
      bar.fileDone();
      outcomes[i] = outcome;
    });
  } finally {
    bar.stop();
  }
  const elapsed = Date.now() - started;
  const count = (kind: FetchOutcome['kind']) => outcomes.filter((o) => o.kind === kind);
  const fetched = [...count('downloaded'), ...count('resumed')] as { bytes: number }[];
  const fetchedBytes = fetched.reduce((n, o) => n + o.bytes, 0);
  const sessions = new Set(files.map((f) => f.session).filter(Boolean)).size;
  const scans = new Set(files.map((f) => f.scan).filter(Boolean)).size;
  const lines = [
    `Downloaded to ${out}`,
    `  ${plural(sessions, 'session')}, ${plural(scans, 'scan')}, ${plural(files.length, 'file')} (${formatBytes(totalBytes)})`,
    `  fetched ${plural(fetched.length, 'file')} (${formatBytes(fetchedBytes)}) in ${formatDuration(elapsed)} at ${formatRate(fetchedBytes, elapsed)}; ${count('present').length} already present`,
  ];
  const resumed = count('resumed') as Extract<FetchOutcome, { kind: 'resumed' }>[];
  if (resumed.length > 0) lines.push(`  resumed ${plural(resumed.length, 'interrupted file')} (continuing after ${formatBytes(resumed.reduce((n, o) => n + o.resumedAt, 0))} already on disk)`);
  const failed = outcomes.map((o, i) => ({ o, f: files[i] as RemoteFile })).filter((x) => x.o.kind === 'failed');
  const ok = outcomes.filter((o) => o.kind !== 'failed') as Exclude<FetchOutcome, { kind: 'failed' }>[];
  const byMd5 = ok.filter((o) => o.verifiedBy === 'md5').length;
  const bySize = ok.filter((o) => o.verifiedBy === 'size').length;
  const unchecked = ok.filter((o) => o.verifiedBy === 'none').length;
  for (const { o, f } of failed.slice(0, 20)) lines.push(`  FAILED ${f.localPath}: ${(o as { reason: string }).reason}`);
  if (failed.length > 20) lines.push(`  ... and ${failed.length - 20} more`);
  const notVerified = failed.length + unchecked;
  lines.push(notVerified === 0
    ? `Verified: ${ok.length} of ${files.length} files (${byMd5} by MD5${bySize ? `, ${bySize} by size only: the server lists no checksum for them` : ''})`
    : `NOT verified: ${notVerified} of ${files.length} files (${failed.length} failed, ${unchecked} without size or checksum); run the same command again to resume`);
  process.stdout.write(`${lines.join('\n')}\n`);
  return notVerified === 0 ? 0 : 1;
}
