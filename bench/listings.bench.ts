// Listing latency at 100 and at 50,000 sessions, on SQLite and PostgreSQL.
// npm run bench [-- listings]   (PostgreSQL from BENCH_POSTGRES_URL, default the local test database)
//
// The large archive has 500 projects × 20 subjects × 5 sessions (10,000 subjects, 50,000 sessions);
// the small one 1 project × 20 subjects × 5 sessions (100 sessions). Each listing below returns the
// same rows in both (one project, one subject, or a 100-row page), so the ratio shows how cost
// grows with the archive, not with the answer.
import { sql, type Kysely } from 'kysely';
import type { DB } from '../server/src/db/database.js';
import { addMember } from './seed-helpers.js';
import { BENCH_ADMIN, basic, percentile, reachablePostgres, startBenchServer, timeRuns, type BenchServer } from './support.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 200);
const pgBase = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

interface Sizes { projects: number; subjectsPerProject: number; sessionsPerSubject: number }
const SMALL: Sizes = { projects: 1, subjectsPerProject: 20, sessionsPerSubject: 5 };
const LARGE: Sizes = { projects: 500, subjectsPerProject: 20, sessionsPerSubject: 5 };

const pad = (n: number, w: number) => String(n).padStart(w, '0');

/** Bulk-inserts the archive rows directly (seeding is not what is measured). */
async function seed(db: Kysely<DB>, s: Sizes): Promise<void> {
  const at = new Date().toISOString();
  let subjectN = 0;
  let experimentN = 0;
  for (let p = 1; p <= s.projects; p++) {
    const project = `P${pad(p, 4)}`;
    const subjects: Record<string, unknown>[] = [];
    const subjectLabels: Record<string, unknown>[] = [];
    const experiments: Record<string, unknown>[] = [];
    const experimentLabels: Record<string, unknown>[] = [];
    for (let i = 1; i <= s.subjectsPerProject; i++) {
      const subjectId = `XNAT_S${pad(++subjectN, 5)}`;
      const label = `${project}_S${pad(i, 3)}`;
      subjects.push({ id: subjectId, project_id: project, label, gender: i % 2 ? 'female' : 'male', yob: 1950 + (i % 50), created_at: at, created_by: 'admin', updated_at: at });
      subjectLabels.push({ subject_id: subjectId, project_id: project, label, is_shared: 0, created_at: at });
      for (let k = 1; k <= s.sessionsPerSubject; k++) {
        const id = `XNAT_E${pad(++experimentN, 5)}`;
        const elabel = `${label}_MR${k}`;
        experiments.push({ id, project_id: project, subject_id: subjectId, label: elabel, xsi_type: 'xnat:mrSessionData', session_date: `2024-01-${pad(k, 2)}`, modality: 'MR', study_instance_uid: `1.2.3.${experimentN}`, created_at: at, created_by: 'admin', updated_at: at });
        experimentLabels.push({ experiment_id: id, project_id: project, label: elabel, is_shared: 0, created_at: at });
      }
    }
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('project').values({ id: project, secondary_id: project, name: `Project ${p}`, description: null, keywords: null, pi_firstname: null, pi_lastname: null, note: null, accessibility: 'private', prearchive_code: 0, quarantine_code: 0, allow_subject_creation: 1, created_at: at, created_by: 'admin', updated_at: at }).execute();
      await trx.insertInto('subject').values(subjects as never).execute();
      await trx.insertInto('subject_label').values(subjectLabels as never).execute();
      for (let i = 0; i < experiments.length; i += 50) {
        await trx.insertInto('experiment').values(experiments.slice(i, i + 50) as never).execute();
        await trx.insertInto('experiment_label').values(experimentLabels.slice(i, i + 50) as never).execute();
      }
    });
  }
  await db.insertInto('id_counter').values([{ name: 'subject:XNAT', value: subjectN }, { name: 'experiment:XNAT', value: experimentN }]).execute();
  await sql`analyze`.execute(db);
}

interface Row { listing: string; p50: number; p95: number }

async function measure(server: BenchServer, memberAuth: Record<string, string>): Promise<Row[]> {
  const admin = basic(BENCH_ADMIN.login, BENCH_ADMIN.password);
  const get = (url: string, headers: Record<string, string>) => async () => {
    const res = await fetch(server.url + url, { headers });
    if (res.status !== 200) throw new Error(`${url}: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
  };
  const listings: [string, string, Record<string, string>][] = [
    ['projects (page of 100)', '/data/projects?format=json&limit=100', admin],
    ['subjects of a project (20)', '/data/projects/P0001/subjects?format=json', admin],
    ['experiments of a project (100)', '/data/projects/P0001/experiments?format=json', admin],
    ['experiments of a project, CSV', '/data/projects/P0001/experiments?format=csv&columns=ID,label,xsiType', admin],
    ['experiments of a subject (5)', '/data/projects/P0001/subjects/P0001_S001/experiments?format=json', admin],
    ['site experiments (page of 100)', '/data/experiments?format=json&limit=100', admin],
    ['site experiments as a member (page)', '/data/experiments?format=json&limit=100', memberAuth],
    ['one experiment document', '/data/experiments/XNAT_E00042?format=json', admin],
    ['projects of a member', '/data/projects?format=json', memberAuth],
  ];
  const rows: Row[] = [];
  for (const [name, url, headers] of listings) {
    const times = await timeRuns(get(url, headers), RUNS);
    rows.push({ listing: name, p50: percentile(times, 50), p95: percentile(times, 95) });
  }
  return rows;
}

async function runEngine(engine: 'sqlite' | 'postgres'): Promise<void> {
  const results: Record<string, Row[]> = {};
  for (const [label, sizes] of [['100 sessions', SMALL], ['50,000 sessions', LARGE]] as const) {
    const server = await startBenchServer(engine, pgBase);
    try {
      const started = Date.now();
      await seed(server.app.db, sizes);
      const member = await addMember(server, 'P0001', 'member');
      process.stdout.write(`  ${engine}, ${label}: seeded in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
      results[label] = await measure(server, member);
    } finally {
      await server.close();
    }
  }
  const small = results['100 sessions'] as Row[];
  const large = results['50,000 sessions'] as Row[];
  process.stdout.write(`\n${engine}: milliseconds per request (${RUNS} requests each, loopback HTTP)\n`);
  process.stdout.write(`${'listing'.padEnd(40)} ${'p50@100'.padStart(9)} ${'p95@100'.padStart(9)} ${'p50@50k'.padStart(9)} ${'p95@50k'.padStart(9)} ${'ratio p50'.padStart(10)}\n`);
  for (let i = 0; i < small.length; i++) {
    const a = small[i] as Row;
    const b = large[i] as Row;
    process.stdout.write(`${a.listing.padEnd(40)} ${a.p50.toFixed(2).padStart(9)} ${a.p95.toFixed(2).padStart(9)} ${b.p50.toFixed(2).padStart(9)} ${b.p95.toFixed(2).padStart(9)} ${(b.p50 / a.p50).toFixed(2).padStart(9)}×\n`);
  }
}

process.stdout.write('xnat-ts listing benchmark: 100 vs 50,000 sessions (10,000 subjects)\n');
await runEngine('sqlite');
if (await reachablePostgres(pgBase)) await runEngine('postgres');
else process.stdout.write(`\nPostgreSQL at ${pgBase} is not reachable; set BENCH_POSTGRES_URL to include it.\n`);
