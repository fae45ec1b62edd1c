import assert from 'node:assert/strict';
import { before, describe } from 'node:test';
import { assertNoConsoleErrors, browserSkipReason, screenshot } from '../support/browser.js';
import { browserSuite } from '../support/browser-suite.js';
import { logInContext, SeedClient } from '../support/seed-client.js';

describe('web UI: copying and moving between projects', { skip: browserSkipReason() }, () => {
  const suite = browserSuite();
  let admin: SeedClient;
  const { test } = suite;

  before(async () => {
    admin = suite.admin;
    await admin.createUser('tina');
    await admin.createProject('SRC', { name: 'Source study' });
    await admin.createProject('DST', { name: 'Destination study' });
    await admin.addMember('SRC', 'owner', 'tina');
    await admin.addMember('DST', 'owner', 'tina');
    for (const s of ['T01', 'T02']) {
      await admin.createSubject('SRC', s);
      await admin.createSession('SRC', s, `${s}_MR1`, { date: '2024-02-02' });
      await admin.createScan('SRC', `${s}_MR1`, '1', { type: 'T1w' });
      for (const f of ['1.dcm', '2.dcm']) await admin.uploadFile('SRC', `${s}_MR1`, '1', 'DICOM', f, Buffer.from(`${s}-${f}`));
    }
    // DST already has a session labelled T02_MR1 under another subject: copying T02 as is must be refused.
    await admin.createSubject('DST', 'X02');
    await admin.createSession('DST', 'X02', 'T02_MR1');
  });

  test('the dry run shows the checklist, then the copy runs to a verified report', async (t) => {
    const { page, context } = t;
    await logInContext(context, suite.server.url, 'tina');
    await page.goto('/projects/SRC');
    await page.getByRole('link', { name: 'Copy or move' }).click();
    await page.getByLabel('To project').selectOption('DST');
    await page.getByLabel('Transfer T01').check();
    await page.getByLabel('Label of T01 in the destination').fill('D01');
    assert.equal(await page.getByRole('button', { name: 'Start copy' }).isDisabled(), true, 'no start before the check');
    await page.getByRole('button', { name: 'Check (dry run)' }).click();
    const checklist = page.getByTestId('checklist');
    await checklist.getByText('Ready: 1 subject, 1 session, 2 files').waitFor();
    const row = checklist.getByTestId('checklist-sessions').locator('tbody tr').first();
    assert.deepEqual((await row.locator('td').allTextContents()).slice(0, 4), ['T01_MR1', 'D01 / T01_MR1', 'MR session', 'new']);
    await screenshot(page, 'transfer-checklist', { doc: true });

    await page.getByRole('button', { name: 'Start copy' }).click();
    await page.waitForURL(/\/transfers\/[\w-]+$/);
    const outcome = page.getByTestId('transfer-outcome');
    await outcome.waitFor({ timeout: 30_000 });
    assert.match(await outcome.textContent() ?? '', /verification passed/);
    const counts = await page.getByTestId('verification').locator('tbody tr').allTextContents();
    assert.ok(counts.some((c) => c === 'files22'), `files expected and found: ${counts.join(' | ')}`);
    await screenshot(page, 'transfer-report', { doc: true });
    assert.deepEqual((await admin.rows('/data/projects/DST/subjects?label=D01')).map((r) => r.label), ['D01']);

    await page.getByRole('link', { name: 'Transfers' }).first().click();
    await page.getByTestId('transfers-table').getByText('Copy SRC → DST').waitFor();
    assertNoConsoleErrors(t);
  });

  test('a label already used in the destination is listed as a problem and the transfer cannot start', async (t) => {
    const { page, context } = t;
    await logInContext(context, suite.server.url, 'tina');
    await page.goto('/transfers/new?source=SRC');
    await page.getByLabel('To project').selectOption('DST');
    await page.getByLabel('Transfer T02').check();
    await page.getByRole('button', { name: 'Check (dry run)' }).click();
    const problems = page.getByTestId('checklist').getByRole('alert');
    await problems.getByText('This transfer cannot start:').waitFor();
    assert.match(await problems.textContent() ?? '', /T02_MR1/);
    assert.equal(await page.getByRole('button', { name: 'Start copy' }).isDisabled(), true);
    assert.equal((await admin.rows('/data/projects/DST/subjects?label=T02')).length, 0, 'nothing was copied');
    assertNoConsoleErrors(t);
  });
});
