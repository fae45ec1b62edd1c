import assert from 'node:assert/strict';
import { before, describe } from 'node:test';
import { assertNoConsoleErrors, browserSkipReason, refused, screenshot } from '../support/browser.js';
import { logInContext, SeedClient } from '../support/seed-client.js';
import { browserSuite } from '../support/browser-suite.js';

const cells = async (row: import('playwright-core').Locator) => (await row.locator('td').allTextContents()).map((c) => c.trim());

describe('web UI: Share Into, the Sharing Manager and shared data', { skip: browserSkipReason() }, () => {
  const suite = browserSuite();
  let admin: SeedClient;
  const { test } = suite;

  before(async () => {
    admin = suite.admin;
    await admin.createUser('sam');
    await admin.createProject('SRC', { name: 'Source study' });
    await admin.createProject('DEST', { name: 'Umbrella project' });
    await admin.addMember('SRC', 'owner', 'sam');
    await admin.addMember('DEST', 'owner', 'sam');
    for (const s of ['SUB1', 'SUB2', 'SUB3']) {
      await admin.createSubject('SRC', s, { gender: 'male' });
      await admin.createSession('SRC', s, `${s}_MR1`, { date: '2024-01-10' });
      await admin.createSession('SRC', s, `${s}_MR2`, { date: '2024-06-10' });
    }
    await admin.createSubject('DEST', 'TAKEN');
    // SUB2 is already shared into DEST as D002 with its first session, and DEST added a session of its own.
    for (const r of [await admin.share('SRC', 'SUB2', 'DEST', 'D002'), await admin.share('SRC', 'SUB2', 'DEST', 'D002_MR1', 'SUB2_MR1')]) {
      assert.ok(r.status < 300, `seed share: ${r.status} ${r.text}`);
    }
    await admin.createSession('DEST', 'D002', 'D002_OWN', { date: '2024-09-01' });
  });

  test('the Sharing Manager shares a subject with the chosen sessions under new labels', async (t) => {
    const { page, context } = t;
    await logInContext(context, suite.server.url, 'sam');
    await page.goto('/projects/SRC/subjects/SUB1');
    await page.getByLabel('Share into', { exact: true }).selectOption('DEST');
    await page.getByRole('group', { name: 'Share into another project' }).getByRole('button', { name: 'Share' }).click();
    const dialog = page.getByRole('dialog', { name: 'Share into DEST' });
    await dialog.getByLabel('Subject label in DEST').fill('D001');
    await dialog.getByLabel('Share SUB1_MR2').uncheck();
    await dialog.getByLabel('Label of SUB1_MR1 in DEST').fill('D001_MR1');
    assert.equal(await dialog.getByLabel('Label of SUB1_MR2 in DEST').isDisabled(), true);
    await screenshot(page, 'sharing-manager', { doc: true });
    await dialog.getByRole('button', { name: 'Share', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByText('Shared into DEST.').waitFor();

    const rows = page.getByTestId('projects-tab-table').locator('tbody tr');
    await rows.nth(1).waitFor();
    assert.deepEqual(await cells(rows.nth(0)), ['Source study', 'SRC', 'SUB1', 'Owner']);
    assert.deepEqual(await cells(rows.nth(1)), ['Umbrella project', 'DEST', 'D001', 'Shared into']);
    assert.match(page.url(), /tab=projects/);
    // Nothing left to share into: SRC owns it and DEST has it.
    assert.equal(await page.getByRole('group', { name: 'Share into another project' }).count(), 0);

    const destSubjects = await admin.rows('/data/projects/DEST/subjects?columns=label,shared');
    assert.deepEqual(destSubjects.find((r) => r.label === 'D001')?.shared, '1');
    const destSessions = (await admin.rows('/data/projects/DEST/experiments?columns=label')).map((r) => r.label ?? '');
    assert.ok(destSessions.includes('D001_MR1'));
    assert.ok(!destSessions.some((l) => l.startsWith('SUB1_MR2')), 'the unchecked session stayed behind');
    assertNoConsoleErrors(t);
  });

  test("the destination's subject page highlights the sessions it does not own", async (t) => {
    const { page, context } = t;
    await logInContext(context, suite.server.url, 'sam');
    await page.goto('/projects/DEST/subjects/D002');
    await page.getByRole('heading', { level: 1, name: /D002/ }).getByText('Shared from SRC').waitFor();
    const rows = page.getByTestId('subject-sessions').locator('tbody tr');
    await rows.nth(1).waitFor();
    const shared = rows.filter({ hasText: 'D002_MR1' });
    const own = rows.filter({ hasText: 'D002_OWN' });
    assert.equal(await shared.getAttribute('class'), 'shared-row');
    assert.match(await shared.textContent() ?? '', /Shared from SRC/);
    assert.equal(await own.getAttribute('class'), null);
    assert.match(await own.textContent() ?? '', /DEST/);
    await page.getByText('Highlighted sessions are shared into DEST from another project').waitFor();
    assert.equal(await page.getByRole('region', { name: 'Demographics' }).getByRole('button', { name: 'Edit' }).count(), 0, 'shared data is read-only here');
    await screenshot(page, 'subject-shared', { doc: true });

    await page.goto('/projects/DEST');
    const d002 = page.getByTestId('subjects-table').locator('tbody tr', { hasText: 'D002' });
    assert.equal(await d002.getAttribute('class'), 'shared-row');
    assert.match(await d002.textContent() ?? '', /Shared from SRC/);
    assert.equal((await cells(d002))[1], '2', 'both sessions count in DEST');

    await page.goto('/projects/DEST/experiments/D002_MR1');
    await page.getByRole('heading', { level: 1 }).getByText('Shared from SRC').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Edit fields' }).count(), 0);
    assertNoConsoleErrors(t);
  });

  test('a label already used in the destination is refused next to the label', async (t) => {
    const { page, context } = t;
    await logInContext(context, suite.server.url, 'sam');
    await page.goto('/projects/SRC/subjects/SUB3');
    await page.getByLabel('Share into', { exact: true }).selectOption('DEST');
    await page.getByRole('group', { name: 'Share into another project' }).getByRole('button', { name: 'Share' }).click();
    const dialog = page.getByRole('dialog', { name: 'Share into DEST' });
    await dialog.getByLabel('Subject label in DEST').fill('TAKEN');
    await dialog.getByRole('button', { name: 'Share', exact: true }).click();
    await dialog.locator('#share-subject-error').filter({ hasText: /TAKEN/ }).waitFor();
    assert.equal(await dialog.isVisible(), true);
    const projects = await admin.rows('/data/projects/SRC/subjects/SUB3/projects');
    assert.deepEqual(projects.map((r) => r.ID), ['SRC'], 'nothing was shared');
    assertNoConsoleErrors(t, [refused(409)]);
  });
});
