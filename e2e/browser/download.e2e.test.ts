import assert from 'node:assert/strict';
import { before, describe } from 'node:test';
import type { Download } from 'playwright-core';
import { assertNoConsoleErrors, browserSkipReason, screenshot } from '../support/browser.js';
import { logInContext, SeedClient } from '../support/seed-client.js';
import { browserSuite } from '../support/browser-suite.js';

async function bytesOf(download: Download): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of (await download.createReadStream()) as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

describe('web UI: Download Images', { skip: browserSkipReason() }, () => {
  const suite = browserSuite();
  let admin: SeedClient;
  const { test } = suite;

  before(async () => {
    admin = suite.admin;
    await admin.createUser('dan');
    await admin.createProject('DL', { name: 'Download study' });
    await admin.addMember('DL', 'member', 'dan');
    for (const s of ['A', 'B']) {
      await admin.createSubject('DL', s);
      await admin.createSession('DL', s, `${s}_MR1`, { date: '2024-05-01' });
      await admin.createScan('DL', `${s}_MR1`, '1', { type: 'T1w' });
      await admin.createScan('DL', `${s}_MR1`, '2', { type: 'BOLD' });
      for (const scan of ['1', '2']) await admin.uploadFile('DL', `${s}_MR1`, scan, 'DICOM', '1.dcm', Buffer.from(`${s}-${scan}`));
    }
  });

  test('chooses sessions and scan types of a project and gets a Catalog XML', async (t) => {
    const { page, context } = t;
    await logInContext(context, suite.server.url, 'dan');
    await page.goto('/projects/DL');
    await page.getByRole('link', { name: 'Download Images' }).click();
    await page.getByLabel('Choose A_MR1').check();
    await page.getByLabel('Choose B_MR1').check();
    await page.getByRole('checkbox', { name: 'BOLD' }).uncheck();
    await page.getByRole('radio', { name: /Catalog XML/ }).check();
    await screenshot(page, 'download', { doc: true });
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download 2 sessions' }).click()]);
    const xml = (await bytesOf(download)).toString('utf8');
    assert.match(xml, /<cat:Catalog/);
    assert.match(xml, /A_MR1/);
    assert.match(xml, /B_MR1/);
    assert.doesNotMatch(xml, /BOLD/);
    assertNoConsoleErrors(t);
  });

  test('downloads a session and chosen scans as zips from the session page', async (t) => {
    const { page, context } = t;
    await logInContext(context, suite.server.url, 'dan');
    await page.goto('/projects/DL/experiments/A_MR1');
    const [whole] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download session (zip)' }).click()]);
    assert.match(whole.suggestedFilename(), /\.zip$/);
    assert.ok((await bytesOf(whole)).subarray(0, 2).equals(Buffer.from('PK')));
    await page.getByLabel('Choose scan 1').check();
    const [one] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download 1 chosen scan' }).click()]);
    assert.ok((await bytesOf(one)).subarray(0, 2).equals(Buffer.from('PK')));
    assertNoConsoleErrors(t);
  });
});
