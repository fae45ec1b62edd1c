import assert from 'node:assert/strict';
import { before, describe } from 'node:test';
import type { Page } from 'playwright-core';
import { assertNoConsoleErrors, browserSkipReason, refused, screenshot } from '../support/browser.js';
import { logInContext, SeedClient } from '../support/seed-client.js';
import { browserSuite } from '../support/browser-suite.js';

const labels = (page: Page) => page.getByTestId('subjects-table').locator('tbody tr td:first-child').allTextContents();

describe('web UI: the project page', { skip: browserSkipReason() }, () => {
  const suite = browserSuite();
  const { test } = suite;
  let admin: SeedClient;

  before(async () => {
    admin = suite.admin;
    for (const u of ['olga', 'mark', 'cora', 'dave', 'mina']) await admin.createUser(u);
    await admin.createProject('PRJ', { name: 'Hippocampus ageing', description: 'Longitudinal MRI of healthy ageing.', pi_firstname: 'Olga', pi_lastname: 'Petrova', keywords: 'MRI ageing' });
    await admin.addMember('PRJ', 'owner', 'olga');
    await admin.addMember('PRJ', 'member', 'mark');
    await admin.addMember('PRJ', 'collaborator', 'cora');
    await admin.addMember('PRJ', 'member', 'mina');
    const labelsToMake = Array.from({ length: 120 }, (_, i) => `S${String(i + 1).padStart(3, '0')}`);
    for (let i = 0; i < labelsToMake.length; i += 10) await Promise.all(labelsToMake.slice(i, i + 10).map((l) => admin.createSubject('PRJ', l, { group: i < 60 ? 'control' : 'patient' })));
    await admin.createSession('PRJ', 'S001', 'S001_MR1');
    await admin.createSession('PRJ', 'S001', 'S001_MR2');
    await admin.createSession('PRJ', 'S002', 'S002_MR1');
  });

  test('shows the metadata and a paged, filterable subjects table with session counts', async (t) => {
    const { page, context } = t;
    await logInContext(context, suite.server.url, 'olga');
    await page.goto('/projects/PRJ');
    await page.getByRole('heading', { level: 1, name: /Hippocampus ageing/ }).waitFor();
    const header = await page.locator('.page-header').textContent() ?? '';
    for (const text of ['Longitudinal MRI of healthy ageing.', 'Olga Petrova', 'MRI ageing', '120 subjects, 3 sessions', 'Private']) assert.ok(header.includes(text), `header shows ${text}`);
    for (const name of ['Upload Images', 'Prearchive']) await page.locator('.page-actions').getByRole('link', { name }).waitFor();

    const table = page.getByTestId('subjects-table');
    await table.waitFor();
    const first = await labels(page);
    assert.equal(first.length, 50);
    assert.equal(first[0], 'S001');
    const s001 = table.locator('tbody tr').first();
    assert.deepEqual((await s001.locator('td').allTextContents()).slice(0, 3), ['S001', '2', 'control']);
    await page.getByText('Showing 1–50 of 120').waitFor();
    await screenshot(page, 'project', { doc: true });

    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('Showing 51–100 of 120').waitFor();
    assert.equal((await labels(page))[0], 'S051');
    assert.match(page.url(), /offset=50/);

    await page.getByLabel('Filter by label').fill('S11');
    await page.waitForURL(/q=S11/);
    await page.getByText('Showing 1–10').waitFor();
    assert.deepEqual(await labels(page), ['S110', 'S111', 'S112', 'S113', 'S114', 'S115', 'S116', 'S117', 'S118', 'S119']);

    // The address is shareable: opening it again shows the same filtered page.
    await page.goto(page.url());
    await page.getByText('Showing 1–10').waitFor();
    assert.equal((await labels(page)).length, 10);
    await page.getByLabel('Filter by label').fill('nothing-like-this');
    await page.getByText('No subject label contains “nothing-like-this”.').waitFor();
    assertNoConsoleErrors(t);
  });

  test('creates a subject, and refuses a label in use or with bad characters next to the field', async (t) => {
    const { page, context } = t;
    await logInContext(context, suite.server.url, 'mark');
    await page.goto('/projects/PRJ');
    await page.getByLabel('New subject').fill('S001');
    await page.getByRole('button', { name: 'Create subject' }).click();
    await page.getByRole('alert').filter({ hasText: 'A subject labelled S001 already exists in PRJ.' }).waitFor();
    await page.getByLabel('New subject').fill('bad label');
    await page.getByRole('button', { name: 'Create subject' }).click();
    await page.getByRole('alert').filter({ hasText: /Invalid character in subject label 'bad label'/ }).waitFor();
    assert.equal((await admin.rows('/data/projects/PRJ/subjects?label=bad*')).length, 0, 'nothing stored');

    await page.getByLabel('New subject').fill('S121');
    await page.getByRole('button', { name: 'Create subject' }).click();
    await page.getByRole('heading', { level: 1, name: 'S121' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/projects/PRJ/subjects/S121');
    assert.equal((await admin.rows('/data/projects/PRJ/subjects?label=S121')).length, 1);
    assertNoConsoleErrors(t, [refused(409), refused(400)]);
  });

  test('adds subjects from a spreadsheet, skipping those already there and reporting bad rows', async (t) => {
    const { page, context } = t;
    await logInContext(context, suite.server.url, 'olga');
    await page.goto('/projects/PRJ');
    await page.getByRole('button', { name: 'Add subjects from a spreadsheet' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add subjects from a spreadsheet' });
    const csv = 'Subject Label;Sex;Group;Shoe size\nN001;F;control;40\nN002;m;patient;44\nS002;;;\nbad label;;;\nN003;unknown-value;;\n';
    await dialog.getByLabel('Spreadsheet (CSV)').setInputFiles({ name: 'subjects.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    const preview = dialog.getByTestId('bulk-preview');
    await preview.waitFor();
    await dialog.getByText('Columns not used: Shoe size.').waitFor();
    const status = async (label: string) => (await preview.locator('tr', { has: page.getByRole('cell', { name: label, exact: true }) }).locator('td').last().textContent())?.trim();
    assert.equal(await status('S002'), 'Already in PRJ; it will be left as it is');
    assert.equal(await status('bad label'), 'Only letters, digits, _ and - are allowed in labels');
    assert.equal(await status('N001'), 'Will be added');

    await dialog.getByRole('button', { name: 'Add 3 subjects' }).click();
    await dialog.getByText('Added 2 subjects to PRJ. 1 could not be added; see below.').waitFor();
    assert.match(await status('N003') ?? '', /Invalid value 'unknown-value' for gender/);
    assert.equal(await status('N001'), 'Added');
    await screenshot(page, 'project-bulk-add');
    const n001 = (await admin.rows('/data/projects/PRJ/subjects?label=N001&columns=label,gender,group'))[0];
    assert.equal(n001?.gender, 'female');
    assert.equal(n001?.group, 'control');
    assert.equal((await admin.rows('/data/projects/PRJ/subjects?label=N003')).length, 0);

    await dialog.getByRole('button', { name: 'Close', exact: true }).click();
    await page.getByLabel('Filter by label').fill('N00');
    await page.getByText('Showing 1–2').waitFor();
    assert.deepEqual(await labels(page), ['N001', 'N002']);
    assertNoConsoleErrors(t, [refused(400)]);
  });

  test('an owner adds and removes people per group and changes the accessibility', async (t) => {
    const { page, context } = t;
    await logInContext(context, suite.server.url, 'olga');
    await page.goto('/projects/PRJ?tab=access');
    const members = page.getByTestId('members-table');
    await members.waitFor();
    const groupOf = (login: string) => page.getByLabel(`Group of ${login}`).inputValue();
    assert.equal(await groupOf('olga'), 'owner');
    assert.equal(await groupOf('cora'), 'collaborator');

    await page.getByLabel('Add user').fill('nobody');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: /nobody/ }).waitFor();

    await page.getByLabel('Add user').fill('dave');
    await page.getByLabel('Group', { exact: true }).selectOption('collaborator');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByText('dave was added to Collaborators.').waitFor();
    await page.getByLabel('Group of dave').waitFor();

    await page.getByLabel('Group of mark').selectOption('owner');
    await page.getByText('mark is now in Owners.').waitFor();
    await page.getByRole('button', { name: 'Remove cora' }).click();
    await page.getByText('cora no longer has access to PRJ.').waitFor();
    await screenshot(page, 'project-access');

    const byLogin = new Map((await admin.rows('/data/projects/PRJ/users')).map((r) => [r.login, r.GROUP_ID]));
    assert.equal(byLogin.get('dave'), 'PRJ_collaborator');
    assert.equal(byLogin.get('mark'), 'PRJ_owner');
    assert.equal(byLogin.has('cora'), false);

    await page.getByRole('radio', { name: /Public/ }).check();
    await page.getByRole('button', { name: 'Save accessibility' }).click();
    await page.getByText('Project PRJ is now public.').waitFor();
    assert.equal(await admin.ok('GET', '/data/projects/PRJ/accessibility'), 'public');
    await page.getByRole('radio', { name: /Private/ }).check();
    await page.getByRole('button', { name: 'Save accessibility' }).click();
    await page.getByText('Project PRJ is now private.').waitFor();
    assertNoConsoleErrors(t, [refused(404)]);
  });

  test('a member cannot manage access or settings', async (t) => {
    const { page, context } = t;
    await logInContext(context, suite.server.url, 'mina');
    await page.goto('/projects/PRJ');
    await page.getByTestId('subjects-table').waitFor();
    assert.equal(await page.getByRole('tab', { name: 'Manage access' }).count(), 0);
    assert.equal(await page.getByRole('tab', { name: 'Settings' }).count(), 0);
    await page.goto('/projects/PRJ?tab=access');
    await page.getByText('Only owners of project PRJ can manage its access and settings.').waitFor();
    assert.equal(await page.getByTestId('members-table').count(), 0);
    await screenshot(page, 'project-member-refused');
    assertNoConsoleErrors(t);
  });

  test('an owner sets auto-archive, subject creation and the anonymization script', async (t) => {
    const { page, context } = t;
    await logInContext(context, suite.server.url, 'olga');
    await page.goto('/projects/PRJ?tab=settings');
    await page.getByRole('radio', { name: /Archive automatically, overwrite/ }).check();
    await page.getByRole('checkbox', { name: /Uploads may create new subjects/ }).uncheck();
    await page.getByRole('button', { name: 'Save upload settings' }).click();
    await page.getByText('Upload settings saved.').waitFor();
    assert.equal(await admin.ok('GET', '/data/projects/PRJ/prearchive_code'), '5');
    assert.equal(await admin.ok('GET', '/data/projects/PRJ/allow_subject_creation'), 'false');

    const script = '(0010,0010) := "anonymous"\n-(0010,0030)\n';
    await page.getByLabel('Script', { exact: true }).fill(script);
    await page.getByRole('button', { name: 'Save script' }).click();
    await page.getByText('Anonymization script saved.').waitFor();
    assert.equal(await admin.ok('GET', '/data/projects/PRJ/config/anon?contents=true'), script);
    await screenshot(page, 'project-settings');

    await page.reload();
    assert.equal(await page.getByLabel('Script', { exact: true }).inputValue(), script);
    assert.equal(await page.getByRole('radio', { name: /Archive automatically, overwrite/ }).isChecked(), true);
    assertNoConsoleErrors(t);
  });
});
