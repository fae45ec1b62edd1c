// Copies a generated 2 GB project between two projects on the same server with POST /xapi/transfers
// and compares it with `cp -r` of the same files on the same disk.
// Usage: npm run bench -- transfer [--gb 2] [--file-mb 1] [--runs 3] [--keep]
// Prints medians: seconds, MB/s, the server's peak RSS during the transfer (VmHWM, reset before each
// run) beside its RSS just before, and ratios to cp -r and to cp -r followed by sync.
// Page cache: every run starts warm (the files were just written or read); nothing drops caches.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { basicAuth, startServer, type RunningTestServer } from '../e2e/support/start-server.js';
import { buildApp } from '../server/src/app.js';
import { loadConfig } from '../server/src/config/load-config.js';
import { SYSTEM } from '../server/src/domain/actor.js';

const args = process.argv.slice(3);
const opt = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const GB = opt('gb', 2);
const FILE_MB = opt('file-mb', 1);
const RUNS = opt('runs', 3);
const KEEP = args.includes('--keep');
const ADMIN = { login: 'admin', password: 'bench-admin-password' };
const FILES_PER_SCAN = 32;
const SCANS_PER_SESSION = 4;
const totalFiles = Math.round((GB * 1024) / FILE_MB);
const sessions = Math.max(1, Math.round(totalFiles / (FILES_PER_SCAN * SCANS_PER_SESSION)));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const mb = (bytes: number) => bytes / 1e6;

async function generate(dataDir: string): Promise<number> {
  const config = loadConfig({ flags: { dataDir, 'logging.level': 'silent', 'http.port': 0, 'dicom.enabled': false }, env: {} });
  const app = await buildApp(config, { migrate: true, startFeatures: false });
  await app.services.users.create(SYSTEM, { login: ADMIN.login, password: ADMIN.password, isAdmin: true, firstName: 'Bench', lastName: 'Admin', email: 'bench@example.org' });
  const headers = basicAuth(ADMIN.login, ADMIN.password);
  const inject = async (method: 'PUT' | 'POST', url: string, payload?: Buffer) => {
    const res = await app.http.inject({ method, url, headers: { ...headers, ...(payload && { 'content-type': 'application/octet-stream' }) }, payload });
    if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
  };
  await inject('PUT', '/data/projects/SRC');
  const block = crypto.randomBytes(FILE_MB * 1024 * 1024);
  let bytes = 0;
  let n = 0;
  const started = Date.now();
  for (let s = 0; s < sessions; s++) {
    const subject = `S${String(Math.floor(s / 2)).padStart(3, '0')}`;
    const session = `MR${String(s).padStart(4, '0')}`;
    await inject('PUT', `/data/projects/SRC/subjects/${subject}/experiments/${session}?xsiType=xnat:mrSessionData&UID=1.2.3.${s}`);
    for (let scan = 1; scan <= SCANS_PER_SESSION; scan++) {
      await inject('PUT', `/data/projects/SRC/subjects/${subject}/experiments/${session}/scans/${scan}?xsiType=xnat:mrScanData&UID=1.2.3.${s}.${scan}`);
      for (let f = 0; f < FILES_PER_SCAN; f++) {
        block.writeUInt32BE(n++, 0); // every file different
        await inject('PUT', `/data/projects/SRC/experiments/${session}/scans/${scan}/resources/DICOM/files/${f}.dcm`, block);
        bytes += block.length;
      }
    }
    process.stdout.write(`\r  generating: ${Math.round((100 * (s + 1)) / sessions)}% (${(mb(bytes) / ((Date.now() - started) / 1000)).toFixed(0)} MB/s through the upload API)`);
  }
  process.stdout.write('\n');
  await app.close();
  return bytes;
}

function timeCp(from: string, to: string, sync: boolean): number {
  const t0 = process.hrtime.bigint();
  execFileSync('cp', ['-r', from, to]);
  if (sync) execFileSync('sync');
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

async function memory(server: RunningTestServer, field: 'VmHWM' | 'VmRSS'): Promise<number> {
  const status = await fs.readFile(`/proc/${server.process.pid}/status`, 'utf8');
  return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) * 1024;
}

async function resetPeak(server: RunningTestServer): Promise<void> {
  // Writing 5 to clear_refs resets VmHWM to the current RSS (Linux), so each run reports its own peak.
  await fs.writeFile(`/proc/${server.process.pid}/clear_refs`, '5').catch(() => undefined);
}

async function transferRuns(dataDir: string, hardLinks: boolean): Promise<{ seconds: number[]; rss: number[]; idle: number[]; method: string }> {
  const server = await startServer({ dataDir, env: { XNAT_TS_ADMIN_PASSWORD: ADMIN.password, XNAT_TS_TRANSFER_HARD_LINKS: String(hardLinks), XNAT_TS_JOBS_POLL_MILLIS: '100' } });
  const headers = { ...basicAuth(ADMIN.login, ADMIN.password), 'content-type': 'application/json' };
  const seconds: number[] = [];
  const rss: number[] = [];
  const idle: number[] = [];
  let method = '';
  try {
    for (let run = 0; run < RUNS; run++) {
      const dest = `DST_${hardLinks ? 'L' : 'C'}${run}`;
      await fetch(`${server.url}/data/projects/${dest}`, { method: 'PUT', headers });
      await resetPeak(server);
      idle.push(await memory(server, 'VmRSS'));
      const t0 = process.hrtime.bigint();
      const res = await fetch(`${server.url}/xapi/transfers`, { method: 'POST', headers, body: JSON.stringify({ source: 'SRC', destination: dest, all: true }) });
      if (res.status !== 202) throw new Error(`transfer refused: ${res.status} ${await res.text()}`);
      const id = ((await res.json()) as { transfer: { id: string } }).transfer.id;
      let t: { state: string; report: { verification: { passed: boolean }; method: string; message: string } };
      for (;;) {
        t = ((await (await fetch(`${server.url}/xapi/transfers/${id}`, { headers })).json()) as { transfer: typeof t }).transfer;
        if (['succeeded', 'failed', 'cancelled'].includes(t.state)) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
      if (t.state !== 'succeeded' || !t.report.verification.passed) throw new Error(`transfer ${t.state}: ${t.report.message}`);
      seconds.push(elapsed);
      rss.push(await memory(server, 'VmHWM'));
      method = t.report.method;
      console.log(`  ${hardLinks ? 'hard links' : 'byte copies'} run ${run + 1}: ${elapsed.toFixed(2)} s (${t.report.message})`);
      await fetch(`${server.url}/data/projects/${dest}?removeFiles=true`, { method: 'DELETE', headers });
    }
  } finally {
    await server.stop();
  }
  return { seconds, rss, idle, method };
}

const root = await fs.mkdtemp(path.join(os.tmpdir(), 'xnat-ts-bench-transfer-'));
try {
  const dataDir = path.join(root, 'data');
  console.log(`transfer benchmark: ${GB} GB in ${sessions} sessions × ${SCANS_PER_SESSION} scans × ${FILES_PER_SCAN} files of ${FILE_MB} MB (in ${root})`);
  const bytes = await generate(dataDir);
  const source = path.join(dataDir, 'archive/SRC');
  const cp: number[] = [];
  const cpSync: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    for (const [list, sync] of [[cp, false], [cpSync, true]] as const) {
      const target = path.join(root, `cp-${run}-${sync}`);
      list.push(timeCp(source, target, sync));
      await fs.rm(target, { recursive: true, force: true });
    }
  }
  console.log(`  cp -r: ${cp.map((s) => s.toFixed(2)).join(', ')} s; cp -r + sync: ${cpSync.map((s) => s.toFixed(2)).join(', ')} s`);
  const links = await transferRuns(dataDir, true);
  const copies = await transferRuns(dataDir, false);
  const mib = (xs?: number[]) => (xs ? `${(median(xs) / 2 ** 20).toFixed(0).padStart(6)} MiB` : '     -    ');
  const row = (name: string, secs: number[], rss?: number[], idle?: number[]) => {
    const m = median(secs);
    return `${name.padEnd(30)} ${m.toFixed(2).padStart(7)} s ${(mb(bytes) / m).toFixed(0).padStart(7)} MB/s ${mib(rss)} ${mib(idle)}  ${(m / median(cp)).toFixed(2)}× cp -r  ${(m / median(cpSync)).toFixed(2)}× cp -r + sync`;
  };
  console.log(`\n${(mb(bytes) / 1000).toFixed(2)} GB, ${sessions * SCANS_PER_SESSION * FILES_PER_SCAN} files, median of ${RUNS} runs, load average ${os.loadavg()[0]!.toFixed(1)} on ${os.availableParallelism()} CPUs`);
  console.log('transfer time = POST /xapi/transfers until GET shows it finished, verification included (hard links: same inode and size as the source; byte copies: MD5 of every byte written)');
  console.log(`${''.padEnd(30)} ${'time'.padStart(9)} ${'rate'.padStart(12)} ${'peak RSS'.padStart(10)} ${'idle RSS'.padStart(10)}`);
  console.log(row('cp -r', cp));
  console.log(row('cp -r + sync', cpSync));
  console.log(row(`xnat-ts transfer (${links.method})`, links.seconds, links.rss, links.idle));
  console.log(row(`xnat-ts transfer (${copies.method})`, copies.seconds, copies.rss, copies.idle));
} finally {
  if (!KEEP) await fs.rm(root, { recursive: true, force: true });
}
