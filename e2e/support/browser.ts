import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ROOT } from './start-server.js';

/**
 * Browser tests drive Debian's Chromium through playwright-core (no browser download). Each file
 * launches one browser (Playwright gives every launch a fresh temporary --user-data-dir) and each
 * test gets a new context.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? ['/usr/bin/chromium', '/usr/lib/chromium/chromium'].find((p) => fs.existsSync(p));

/** Why browser tests cannot run here, or undefined when they can. */
export function browserSkipReason(): string | undefined {
  if (!CHROMIUM_PATH) return 'Chromium is not installed (apt-get install -y chromium, or set CHROMIUM_PATH); browser tests skipped';
  if (!fs.existsSync(path.join(ROOT, 'web/dist/index.html'))) return 'The web UI is not built (npm run build); browser tests skipped';
  return undefined;
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
  });
}

/** A laptop-sized window. */
export const LAPTOP = { width: 1366, height: 800 };

export interface TestPage {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Console errors and uncaught exceptions seen so far. */
  readonly consoleErrors: string[];
}

/** A new context and page for one test, recording console errors and a trace (kept only on failure). */
export async function openPage(browser: Browser, baseURL: string): Promise<TestPage> {
  const context = await browser.newContext({ baseURL, viewport: LAPTOP, acceptDownloads: true });
  await context.tracing.start({ screenshots: true, snapshots: true });
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(`${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => consoleErrors.push(`Uncaught: ${e.message}`));
  return { context, page, consoleErrors };
}

/**
 * Asserts the page logged no console errors. `expected` lists failed requests a refusal test
 * provokes on purpose: Chromium logs every 4xx response as "Failed to load resource ... 409".
 */
export function assertNoConsoleErrors(t: TestPage, expected: readonly RegExp[] = []): void {
  const unexpected = t.consoleErrors.filter((e) => !expected.some((re) => re.test(e)));
  if (unexpected.length > 0) throw new Error(`Console errors on the page:\n${unexpected.join('\n')}`);
}

/** "Failed to load resource: the server responded with a status of 409" for an expected refusal. */
export const refused = (status: number) => new RegExp(`Failed to load resource: the server responded with a status of ${status}\\b`);

const ARTIFACTS = path.join(ROOT, 'e2e/artifacts');
const DOC_SCREENSHOTS = path.join(ROOT, 'docs/screenshots');

/**
 * Saves a full-page screenshot under e2e/artifacts/screenshots; with XNAT_TS_DOC_SCREENSHOTS=1 the
 * ones meant for the documentation also go to docs/screenshots (the README's pictures).
 */
export async function screenshot(page: Page, name: string, options: { doc?: boolean } = {}): Promise<void> {
  const dir = path.join(ARTIFACTS, 'screenshots');
  await fsp.mkdir(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
  if (options.doc && process.env.XNAT_TS_DOC_SCREENSHOTS === '1') {
    // The documentation shows what fits a laptop screen, which also keeps the files small.
    await fsp.mkdir(DOC_SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: path.join(DOC_SCREENSHOTS, `${name}.png`) });
  }
}

/** Closes the test's context; on failure keeps a screenshot and the trace for `npx playwright show-trace`. */
export async function closePage(t: TestPage, testName: string, failed: boolean): Promise<void> {
  const safe = testName.replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, 80);
  if (failed) {
    await fsp.mkdir(ARTIFACTS, { recursive: true });
    await t.page.screenshot({ path: path.join(ARTIFACTS, `${safe}.failure.png`), fullPage: true }).catch(() => undefined);
    await t.context.tracing.stop({ path: path.join(ARTIFACTS, `${safe}.trace.zip`) }).catch(() => undefined);
  } else {
    await t.context.tracing.stop().catch(() => undefined);
  }
  await t.context.close();
}

/** Runs one browser test body in a fresh context, keeping the trace when it fails. */
export async function withPage(browser: Browser, baseURL: string, name: string, body: (t: TestPage) => Promise<void>): Promise<void> {
  const t = await openPage(browser, baseURL);
  let failed = true;
  try {
    await body(t);
    failed = false;
  } finally {
    await closePage(t, name, failed);
  }
}
