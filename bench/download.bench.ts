// Zip download throughput and server memory: `npm run bench -- download [sizeMB]` (default 1024).
// Seeds a session of 512 KiB files (a typical DICOM slice size) on a spawned server, then streams
// `scans/ALL/files?format=zip` with curl and compares with Debian's `zip -0` of the same files, from a
// warm page cache for both. Peak server RSS is sampled from /proc during each download, for a quarter-size
// session and the full one, to show memory does not grow with the download. Wall-clock rates depend on
// what else the machine runs, so CPU time (MB per CPU-second of the zip producer) is printed beside them.
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runPool } from '../server/src/cli/client/pool.js';
import { Seeder } from '../e2e/support/seed.js';
import { E2E_ADMIN, startServer, type RunningTestServer } from '../e2e/support/start-server.js';

const FILE_BYTES = 512 * 1024;
const RUNS = 3;
const totalMb = Number(process.argv[3] ?? 1024);
if (!Number.isFinite(totalMb) || totalMb < 16) throw new Error(`Give the session size in MB (at least 16), not '${process.argv[3]}'`);

ensureZip();
// The server runs the compiled code, as installed (bin/xnat-ts.js prefers dist/).
if (spawnSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' }).status !== 0) throw new Error('npm run build failed');
const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'xnat-ts-bench-download-'));
let server = await startServer({ dataDir });
try {
  const seed = new Seeder(server.url);
  await seed.put('/data/projects/BENCH');
  await seed.put('/data/projects/BENCH/subjects/S1');
  const small = await seedSession(seed, 'SMALL', Math.round(totalMb / 4));
  const full = await seedSession(seed, 'FULL', totalMb);
  const auth = `${E2E_ADMIN.login}:${E2E_ADMIN.password}`;
  // A fresh server for the downloads, so its memory shows the downloads and not the uploads before them.
  await server.stop();
  server = await startServer({ dataDir });
  // One unmeasured download of everything first, so the server's hot code is compiled for both sessions.
  for (const session of [small, full]) await curlWithRss(`${server.url}/data/projects/BENCH/subjects/S1/experiments/${session.label}/scans/ALL/files?format=zip`, auth, server);

  const results = [];
  for (const session of [small, full]) {
    await warm(session.dir);
    const url = `${server.url}/data/projects/BENCH/subjects/S1/experiments/${session.label}/scans/ALL/files?format=zip`;
    const idleRss = rssMb(server);
    const ours = [];
    const zips = [];
    // Interleaved, so both see the same machine.
    for (let i = 0; i < RUNS; i++) {
      ours.push(await curlWithRss(url, auth, server));
      zips.push(zipMinusZero(session.dir));
    }
    results.push({ session, ours, zips, idleRss });
  }

  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  const mbps = (bytes: number, s: number) => bytes / 1e6 / s;
  console.log(`download benchmark: ${os.cpus().length} CPUs (load average ${os.loadavg()[0]?.toFixed(1)}), files of ${FILE_BYTES / 1024} KiB, median of ${RUNS} runs, warm page cache`);
  for (const { session, ours, zips, idleRss } of results) {
    const oursRate = median(ours.map((r) => mbps(r.bytes, r.seconds)));
    const zipRate = median(zips.map((r) => mbps(r.bytes, r.seconds)));
    const oursCpu = median(ours.map((r) => mbps(r.bytes, r.cpuSeconds)));
    const zipCpu = median(zips.map((r) => mbps(r.bytes, r.cpuSeconds)));
    console.log(`  session ${session.label}: ${session.files} files, ${(session.bytes / 1e6).toFixed(0)} MB`);
    console.log(`    xnat-ts zip download : ${oursRate.toFixed(0)} MB/s, ${oursCpu.toFixed(0)} MB per server CPU-second (first byte after ${median(ours.map((r) => r.firstByte * 1000)).toFixed(0)} ms; Content-Length ${ours.every((r) => r.lengthMatches) ? 'exact' : 'WRONG'})`);
    console.log(`    zip -0 of the files  : ${zipRate.toFixed(0)} MB/s, ${zipCpu.toFixed(0)} MB per CPU-second`);
    console.log(`    ratio                : ${(oursRate / zipRate).toFixed(2)}x zip -0 wall-clock, ${(oursCpu / zipCpu).toFixed(2)}x per CPU-second (target >= 0.8x)`);
    console.log(`    server RSS           : ${idleRss.toFixed(0)} MB before, peak ${Math.max(...ours.map((r) => r.peakRssMb)).toFixed(0)} MB during the download (target < 200 MB)`);
  }
  console.log(`  server RSS high-water mark since its start (downloads only): ${vmHwmMb(server).toFixed(0)} MB`);
} finally {
  await server.stop();
  await fs.rm(dataDir, { recursive: true, force: true });
}

async function seedSession(seed: Seeder, label: string, mb: number) {
  const files = Math.max(1, Math.round((mb * 1e6) / FILE_BYTES));
  await seed.put(`/data/projects/BENCH/subjects/S1/experiments/${label}`, { xsiType: 'xnat:mrSessionData' });
  const scans = 4;
  for (let s = 1; s <= scans; s++) await seed.put(`/data/projects/BENCH/subjects/S1/experiments/${label}/scans/${s}`, { xsiType: 'xnat:mrScanData', type: `series${s}` });
  const base = crypto.randomBytes(FILE_BYTES);
  await runPool(Array.from({ length: files }, (_, i) => i), 8, async (i) => {
    const bytes = Buffer.from(base);
    bytes.writeUInt32LE(i, 0); // every file different, none compressible
    await seed.upload(`/data/projects/BENCH/subjects/S1/experiments/${label}/scans/${(i % scans) + 1}/resources/DICOM/files/${String(i).padStart(5, '0')}.dcm`, bytes);
  });
  return { label, files, bytes: files * FILE_BYTES, dir: path.join(dataDir, 'archive/BENCH/arc001', label) };
}

/** Reads every file once so both contenders start from the page cache. */
async function warm(dir: string) {
  for (const scan of await fs.readdir(path.join(dir, 'SCANS'))) {
    const folder = path.join(dir, 'SCANS', scan, 'DICOM');
    for (const f of await fs.readdir(folder)) await fs.readFile(path.join(folder, f));
  }
}

function curlWithRss(url: string, auth: string, running: RunningTestServer): Promise<{ bytes: number; seconds: number; cpuSeconds: number; firstByte: number; peakRssMb: number; lengthMatches: boolean }> {
  return new Promise((resolve, reject) => {
    let peak = rssMb(running);
    const cpuBefore = cpuSecondsOf(running);
    const timer = setInterval(() => (peak = Math.max(peak, rssMb(running))), 20);
    const curl = spawn('curl', ['-s', '-u', auth, '-o', '/dev/null', '-D', '-', '-w', '\n%{size_download} %{time_total} %{time_starttransfer}', url]);
    let out = '';
    curl.stdout.on('data', (d: Buffer) => (out += d.toString()));
    curl.on('error', reject);
    curl.on('exit', (code) => {
      clearInterval(timer);
      if (code !== 0) return reject(new Error(`curl exited with ${code}`));
      const [bytes, seconds, firstByte] = (out.trim().split('\n').pop() as string).split(' ').map(Number) as [number, number, number];
      const length = Number(/content-length: (\d+)/i.exec(out)?.[1]);
      resolve({ bytes, seconds, cpuSeconds: cpuSecondsOf(running) - cpuBefore, firstByte, peakRssMb: peak, lengthMatches: length === bytes });
    });
  });
}

/** `zip -0` of the session folder to a pipe; the shell's children's CPU time (cutime + cstime) is zip's and wc's. */
function zipMinusZero(dir: string): { bytes: number; seconds: number; cpuSeconds: number } {
  const started = process.hrtime.bigint();
  const run = spawnSync('sh', ['-c', 'zip -0 -r -q - . | wc -c; cat /proc/$$/stat'], { cwd: dir, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`zip -0 failed: ${run.stderr}`);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const [count, stat] = run.stdout.trim().split('\n') as [string, string];
  const fields = stat.split(') ')[1]?.split(' ') ?? [];
  return { bytes: Number(count.trim()), seconds, cpuSeconds: (Number(fields[13]) + Number(fields[14])) / 100 };
}

/** CPU seconds (user + system) the process has used, from /proc/{pid}/stat (clock ticks of 1/100 s). */
function cpuSecondsOf(running: RunningTestServer): number {
  const fields = readFileSync(`/proc/${running.process.pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function statusKb(running: RunningTestServer, field: string): number {
  try {
    const status = readFileSync(`/proc/${running.process.pid}/status`, 'utf8');
    return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  } catch {
    return 0;
  }
}
function rssMb(running: RunningTestServer): number {
  return statusKb(running, 'VmRSS') / 1024;
}

function vmHwmMb(running: RunningTestServer): number {
  return statusKb(running, 'VmHWM') / 1024;
}

function ensureZip() {
  if (spawnSync('zip', ['-v']).status === 0) return;
  console.log('Installing Debian\'s zip for the comparison (apt-get install -y zip)...');
  const installed = spawnSync('apt-get', ['install', '-y', '-q', 'zip'], { stdio: 'inherit' });
  if (installed.status !== 0) throw new Error('zip is not installed and apt-get could not install it; install Debian\'s zip package');
}
