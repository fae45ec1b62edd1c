import { after, before, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchBrowser, withPage, type TestPage } from './browser.js';
import { SeedClient } from './seed-client.js';
import { startServer, type RunningTestServer } from './start-server.js';

export interface BrowserSuite {
  readonly server: RunningTestServer;
  readonly browser: Browser;
  /** Seeds and checks through the REST API as the site administrator. */
  readonly admin: SeedClient;
  /** A test in a fresh browser context. */
  test(name: string, body: (t: TestPage) => Promise<void>): void;
}

/** One spawned server and one browser for a file of browser tests; call inside `describe`, before the seeding hook. */
export function browserSuite(): BrowserSuite {
  let server: RunningTestServer | undefined;
  let browser: Browser | undefined;
  let admin: SeedClient | undefined;
  before(async () => {
    server = await startServer();
    admin = new SeedClient(server.url);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the browser suite has not started');
    return value;
  };
  return {
    get server() { return started(server); },
    get browser() { return started(browser); },
    get admin() { return started(admin); },
    test(name, body) {
      it(name, () => withPage(started(browser), started(server).url, name, body));
    },
  };
}
