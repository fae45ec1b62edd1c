// Ingest throughput and server memory: `npm run bench -- ingest [sessions]` (default 4 sessions).
// Generates a corpus of MR sessions (5 series x 100 slices of 256x256, 16-bit, about 131 KB each) with
// Debian's pydicom, then on a fresh spawned server (SQLite, temp data folder, a project that auto-archives,
// a 1 s quiet period for C-STORE) times:
//   - C-STORE: one dcmtk storescu association (TCP_NODELAY=1) of every file, until every session is
//     archived with all its files (the rate includes the quiet period before building);
//   - zip import: the same files as one stored zip through POST /data/services/import (DICOM-zip, dest archive);
//   - Debian's Orthanc receiving the same storescu command (fresh storage each run; it answers each C-STORE
//     only once the instance is stored and indexed). Orthanc has no listen-address setting, so it runs in
//     its own network namespace with only a loopback interface, and its HTTP server is off. Like storescu, its
//     DCMTK network layer needs TCP_NODELAY=1 in its environment (otherwise about 20 instances/s).
// Each measurement runs 3 times (interleaved); medians are printed with the xnat-ts/Orthanc ratio, and
// the peak RSS (VmHWM) of each server process.
import { spawnSync } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';
import { writeDicomStudies } from '../server/test/support/dicom-files.js';
import { Seeder } from '../e2e/support/seed.js';
import { E2E_ADMIN, startServer, type RunningTestServer } from '../e2e/support/start-server.js';

const RUNS = 3;
const SERIES = 5;
const SLICES = 100;
const sessions = Number(process.argv[3] ?? 4);
if (!Number.isInteger(sessions) || sessions < 1) throw new Error(`Give the number of sessions (at least 1), not '${process.argv[3]}'`);
const PROJECT = 'BENCH';

ensureTool('storescu', 'dcmtk');
ensureTool('Orthanc', 'orthanc');
// The server runs the compiled code, as installed (bin/xnat-ts.js prefers dist/).
if (spawnSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' }).status !== 0) throw new Error('npm run build failed');

const work = await fs.mkdtemp(path.join(os.tmpdir(), 'xnat-ts-bench-ingest-'));
try {
  console.log(`Generating ${sessions} sessions x ${SERIES} series x ${SLICES} slices with pydicom...`);
  const { dir, files: names } = await writeDicomStudies(Array.from({ length: sessions }, (_, k) => ({
    studyUid: `1.2.826.0.1.3680043.8.498.${Date.now()}.${k + 1}`, patientName: `BENCH${k + 1}`, patientId: `BENCH${k + 1}_MR1`,
    series: Array.from({ length: SERIES }, (_, s) => ({ number: s + 1, description: `series ${s + 1}`, instances: SLICES })),
  })), { size: 256 });
  const files = names.map((n) => path.join(dir, n));
  const bytes = (await Promise.all(files.map((f) => fs.stat(f)))).reduce((sum, s) => sum + s.size, 0);
  const zipFile = path.join(work, 'corpus.zip');
  await writeStoredZip(files, zipFile);

  const cstore: Measurement[] = [];
  const zip: Measurement[] = [];
  const orthanc: Measurement[] = [];
  for (let run = 0; run < RUNS; run++) {
    cstore.push(await measureCStore(files));
    zip.push(await measureZipImport(zipFile, files.length));
    orthanc.push(measureOrthanc(files, path.join(work, `orthanc-${run}`)));
  }

  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  const line = (name: string, ms: Measurement[]) => {
    const seconds = median(ms.map((m) => m.seconds));
    return `${name.padEnd(34)} ${(files.length / seconds).toFixed(0).padStart(6)} instances/s ${(bytes / 1e6 / seconds).toFixed(1).padStart(7)} MB/s`
      + `   peak RSS ${median(ms.map((m) => m.peakRssMb)).toFixed(0).padStart(4)} MB   (runs: ${ms.map((m) => m.seconds.toFixed(2)).join(', ')} s)`;
  };
  console.log(`\ningest benchmark: ${os.cpus().length} CPUs (load average ${os.loadavg()[0]?.toFixed(1)}), ${files.length} instances, ${(bytes / 1e6).toFixed(0)} MB, median of ${RUNS} runs`);
  console.log(line('xnat-ts C-STORE -> archived', cstore));
  console.log(line('  of which storescu until done', cstore.map((m) => ({ seconds: m.sendSeconds ?? m.seconds, peakRssMb: m.peakRssMb }))));
  console.log(line('xnat-ts zip import -> archived', zip));
  console.log(line('Orthanc C-STORE (stored, indexed)', orthanc));
  const ratio = median(orthanc.map((m) => m.seconds)) / median(cstore.map((m) => m.seconds));
  const sendRatio = median(orthanc.map((m) => m.seconds)) / median(cstore.map((m) => m.sendSeconds ?? m.seconds));
  console.log(`xnat-ts/Orthanc instance rate: ${ratio.toFixed(2)} to archived, ${sendRatio.toFixed(2)} for storescu alone (targets: >= 1, peak RSS < 300 MB)`);
} finally {
  await fs.rm(work, { recursive: true, force: true });
}

interface Measurement {
  readonly seconds: number;
  /** C-STORE only: until storescu finished (every instance answered). */
  readonly sendSeconds?: number;
  readonly peakRssMb: number;
}

/** A fresh server with an auto-archiving project and an AE title bound to it. */
async function benchServer(quietSeconds: number): Promise<{ server: RunningTestServer; seed: Seeder }> {
  const server = await startServer({ args: ['--ae-titles', `XNAT,${PROJECT}=${PROJECT}`], env: { XNAT_TS_INGEST_QUIET_SECONDS: String(quietSeconds) } });
  const seed = new Seeder(server.url);
  await seed.put(`/data/projects/${PROJECT}`);
  await seed.put(`/data/projects/${PROJECT}/prearchive_code/4`);
  return { server, seed };
}

async function measureCStore(files: readonly string[]): Promise<Measurement> {
  const { server, seed } = await benchServer(1);
  try {
    if (!server.dicomPort) throw new Error(`the server started no DICOM receiver:\n${server.output()}`);
    const start = process.hrtime.bigint();
    const send = spawnSync('storescu', ['-aec', PROJECT, '127.0.0.1', String(server.dicomPort), ...files], { env: { ...process.env, TCP_NODELAY: '1' }, encoding: 'utf8' });
    const sendSeconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (send.status !== 0) throw new Error(`storescu failed: ${send.stderr}`);
    await untilArchived(seed, files.length);
    return { seconds: Number(process.hrtime.bigint() - start) / 1e9, sendSeconds, peakRssMb: peakRssMb(server) };
  } finally {
    await server.stop();
  }
}

async function measureZipImport(zipFile: string, instances: number): Promise<Measurement> {
  // The import archives as it answers; no quiet period is involved (a short one raced the import's own build).
  const { server, seed } = await benchServer(60);
  try {
    const start = process.hrtime.bigint();
    const url = `${server.url}/data/services/import?import-handler=DICOM-zip&PROJECT_ID=${PROJECT}&dest=/archive`;
    const curl = spawnSync('curl', ['-sS', '-w', '\n%{http_code}', '-u', `${E2E_ADMIN.login}:${E2E_ADMIN.password}`, '-X', 'POST', '-H', 'Content-Type: application/zip', '-T', zipFile, url], { encoding: 'utf8' });
    if (curl.status !== 0 || !curl.stdout.trim().endsWith('200')) throw new Error(`zip import failed: ${curl.stderr}${curl.stdout}`);
    await untilArchived(seed, instances);
    return { seconds: Number(process.hrtime.bigint() - start) / 1e9, peakRssMb: peakRssMb(server) };
  } finally {
    await server.stop();
  }
}

/** Polls REST until the project's archived sessions hold every instance. */
async function untilArchived(seed: Seeder, instances: number): Promise<void> {
  const deadline = Date.now() + 30 * 60_000;
  for (;;) {
    const experiments = await seed.rows(`/data/projects/${PROJECT}/experiments`);
    if (experiments.length === sessions) {
      let archived = 0;
      for (const e of experiments) archived += (await seed.rows(`/data/projects/${PROJECT}/experiments/${e.label}/scans/ALL/files`)).length;
      if (archived === instances) return;
      if (archived > instances) throw new Error(`${archived} files archived for ${instances} instances`);
    }
    if (Date.now() > deadline) throw new Error('the sessions were not archived within 30 minutes');
    await new Promise((r) => setTimeout(r, 200));
  }
}

function peakRssMb(server: RunningTestServer): number {
  const status = readFileSync(`/proc/${server.process.pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) / 1024;
}

/**
 * Orthanc in a network namespace of its own (loopback only), fresh storage, HTTP off; storescu runs in the
 * same namespace. Returns the storescu time and Orthanc's peak RSS.
 */
function measureOrthanc(files: readonly string[], dir: string): Measurement {
  const script = `
set -e
ip link set lo up
mkdir -p "$1/storage"
cat > "$1/orthanc.json" <<EOF
{ "Name": "bench", "StorageDirectory": "$1/storage", "IndexDirectory": "$1/storage", "StorageCompression": false,
  "HttpServerEnabled": false, "DicomServerEnabled": true, "DicomAet": "ORTHANC", "DicomPort": 4242, "DicomCheckCalledAet": false,
  "Plugins": [], "RemoteAccessAllowed": false, "SaveJobs": false }
EOF
TCP_NODELAY=1 Orthanc "$1/orthanc.json" > "$1/orthanc.log" 2>&1 &
pid=$!
for i in $(seq 1 100); do echoscu -aec ORTHANC 127.0.0.1 4242 2>/dev/null && break; sleep 0.1; done
shift
start=$(date +%s%N)
TCP_NODELAY=1 storescu -aec ORTHANC 127.0.0.1 4242 "$@"
end=$(date +%s%N)
hwm=$(awk '/VmHWM/ {print $2}' /proc/$pid/status)
kill $pid; wait $pid || true
echo "$start $end $hwm"
`;
  const r = spawnSync('unshare', ['-n', 'bash', '-c', script, 'orthanc-bench', dir, ...files], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`the Orthanc run failed (unshare needs root): ${r.stderr}`);
  const [start, end, hwm] = r.stdout.trim().split('\n').at(-1)?.split(' ').map(Number) ?? [];
  return { seconds: ((end as number) - (start as number)) / 1e9, peakRssMb: (hwm as number) / 1024 };
}

async function writeStoredZip(files: readonly string[], target: string): Promise<void> {
  const zip = new yazl.ZipFile();
  for (const file of files) zip.addFile(file, `export/${path.basename(file)}`, { compress: false });
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(target));
}

function ensureTool(command: string, debianPackage: string): void {
  if (spawnSync('sh', ['-c', `command -v ${command}`]).status === 0) return;
  console.log(`Installing Debian's ${debianPackage} for the comparison (apt-get install -y ${debianPackage})...`);
  const installed = spawnSync('apt-get', ['install', '-y', '-q', debianPackage], { stdio: 'inherit' });
  if (installed.status !== 0) throw new Error(`${command} is missing and apt-get could not install ${debianPackage}`);
}
