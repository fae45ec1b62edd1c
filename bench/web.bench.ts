// Page loads of the web UI in Chromium with a 1,000-subject project: `npm run bench -- web`.
// Spawns the built server (run `npm run build` first), seeds it through the REST API, then times
// each page from navigation start until its content is on screen. Target: under a second each.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { browserSkipReason, LAPTOP, launchBrowser } from '../e2e/support/browser.js';
import { logInContext, SeedClient } from '../e2e/support/seed-client.js';
import { ROOT, startServer } from '../e2e/support/start-server.js';

const SUBJECTS = 1000;
const WARM_RUNS = 15;
const COLD_RUNS = 5;
const TARGET_MS = 1000;

const skip = browserSkipReason();
if (skip) {
  console.error(skip);
  process.exit(2);
}
if (!fs.existsSync(path.join(ROOT, 'dist/server/src/cli/entry.js'))) console.warn('dist/ is not built: the server runs through tsx (slower start, same pages).');

async function inPool<T>(items: readonly T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(Array.from({ length: size }, async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
  }));
}

async function seed(admin: SeedClient): Promise<void> {
  const started = Date.now();
  await admin.createProject('BENCH', { name: 'Benchmark cohort', description: 'A thousand subjects', pi_firstname: 'Bea', pi_lastname: 'Marsh' });
  for (const p of ['OTHER1', 'OTHER2', 'OTHER3']) await admin.createProject(p);
  const labels = Array.from({ length: SUBJECTS }, (_, i) => `SUBJ${String(i + 1).padStart(4, '0')}`);
  await inPool(labels, 16, async (label) => {
    await admin.createSubject('BENCH', label, { gender: Number(label.slice(4)) % 2 ? 'female' : 'male', yob: '1980' });
    await admin.createSession('BENCH', label, `${label}_MR1`, { date: '2024-04-01' });
  });
  await admin.createSession('BENCH', 'SUBJ0500', 'SUBJ0500_MR2', { date: '2024-10-01' });
  const scans = Array.from({ length: 20 }, (_, i) => String(i + 1));
  await inPool(scans, 8, async (scan) => {
    await admin.createScan('BENCH', 'SUBJ0500_MR1', scan, { type: `T${scan}`, series_description: `series ${scan}`, quality: 'usable' });
    for (let f = 1; f <= 10; f++) await admin.uploadFile('BENCH', 'SUBJ0500_MR1', scan, 'DICOM', `${f}.dcm`, Buffer.alloc(4096, f));
  });
  console.log(`seeded ${SUBJECTS} subjects, ${SUBJECTS + 1} sessions, 20 scans × 10 files in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

interface PageSpec {
  readonly name: string;
  readonly url: string;
  /** Resolves once what a person came for is on screen. */
  ready(page: Page): Promise<void>;
}

const PAGES: readonly PageSpec[] = [
  { name: 'home', url: '/', ready: async (p) => {
    await p.locator('[data-testid=project-list] li[data-project=BENCH]').waitFor();
    await p.locator('[data-testid=activity-feed] li').first().waitFor();
  } },
  { name: 'project', url: '/projects/BENCH', ready: async (p) => {
    await p.locator('[data-testid=subjects-table] tbody tr').nth(49).waitFor();
    await p.getByText('Showing 1–50 of 1,000').waitFor();
  } },
  { name: 'subject', url: '/projects/BENCH/subjects/SUBJ0500', ready: async (p) => {
    await p.locator('[data-testid=subject-sessions] tbody tr').nth(1).waitFor();
    await p.getByRole('region', { name: 'Demographics' }).getByText('male').first().waitFor();
  } },
  { name: 'session', url: '/projects/BENCH/experiments/SUBJ0500_MR1', ready: async (p) => {
    await p.locator('[data-testid=scans-table] tbody tr').nth(19).waitFor();
    await p.getByTestId('scan-totals').waitFor();
  } },
];

async function timeLoad(page: Page, spec: PageSpec): Promise<number> {
  await page.goto('about:blank');
  const start = performance.now();
  await page.goto(spec.url, { waitUntil: 'commit' });
  await spec.ready(page);
  return performance.now() - start;
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? (s[(s.length - 1) / 2] as number) : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};
const quantile = (xs: readonly number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] as number;

async function measure(browser: Browser, url: string): Promise<void> {
  const rows: string[] = [];
  for (const spec of PAGES) {
    const cold: number[] = [];
    for (let i = 0; i < COLD_RUNS; i++) {
      const context = await browser.newContext({ baseURL: url, viewport: LAPTOP });
      await logInContext(context, url, 'admin');
      cold.push(await timeLoad(await context.newPage(), spec));
      await context.close();
    }
    const context = await browser.newContext({ baseURL: url, viewport: LAPTOP });
    await logInContext(context, url, 'admin');
    const page = await context.newPage();
    await timeLoad(page, spec);
    const warm: number[] = [];
    for (let i = 0; i < WARM_RUNS; i++) warm.push(await timeLoad(page, spec));
    await context.close();
    const m = median(warm);
    rows.push(`${spec.name.padEnd(8)} ${m.toFixed(0).padStart(6)} ms ${quantile(warm, 0.9).toFixed(0).padStart(6)} ms ${median(cold).toFixed(0).padStart(8)} ms   ${(m / TARGET_MS).toFixed(2)}× of the 1 s target`);
  }
  console.log(`\npage      median    p90   cold median   (Chromium ${LAPTOP.width}×${LAPTOP.height}, ${WARM_RUNS} warm and ${COLD_RUNS} cold-cache loads each)`);
  for (const r of rows) console.log(r);
}

const server = await startServer();
let browser: Browser | undefined;
try {
  await seed(new SeedClient(server.url));
  browser = await launchBrowser();
  await measure(browser, server.url);
} finally {
  await browser?.close();
  await server.stop();
}
