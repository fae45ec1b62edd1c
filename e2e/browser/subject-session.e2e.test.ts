import assert from 'node:assert/strict';
import { before, describe } from 'node:test';
import { assertNoConsoleErrors, browserSkipReason, refused, screenshot } from '../support/browser.js';
import { logInContext, SeedClient } from '../support/seed-client.js';
import { browserSuite } from '../support/browser-suite.js';

const optionValues = async (select: import('playwright-core').Locator) => Promise.all((await select.locator('option').all()).map((o) => o.getAttribute('value')));
const cells = async (row: import('playwright-core').Locator) => (await row.locator('td').allTextContents()).map((c) => c.trim());

describe('web UI: subject and session pages', { skip: browserSkipReason() }, () => {
  const suite = browserSuite();
  const { test } = suite;
  let admin: SeedClient;

  before(async () => {
    admin = suite.admin;
    for (const u of ['sam', 'cleo']) await admin.createUser(u);
    await admin.createProject('NEURO', { name: 'Neuro imaging core' });
    await admin.createProject('OWN2', { name: 'Sam second study' });
    await admin.createProject('MEM3', { name: 'Sam is only a member here' });
    await admin.addMember('NEURO', 'owner', 'sam');
    await admin.addMember('OWN2', 'owner', 'sam');
    await admin.addMember('MEM3', 'member', 'sam');
    await admin.addMember('NEURO', 'collaborator', 'cleo');
    await admin.createSubject('NEURO', 'SUBJ1', { gender: 'female', dob: '1971-05-04', handedness: 'right' });
    await admin.createSession('NEURO', 'SUBJ1', 'SUBJ1_MR1', { date: '2024-02-12', scanner: 'Prisma' });
    await admin.createSession('NEURO', 'SUBJ1', 'SUBJ1_MR2', { date: '2024-08-20' });
    await admin.createScan('NEURO', 'SUBJ1_MR1', '1', { type: 'T1w', series_description: 'MPRAGE sag', quality: 'usable' });
    await admin.createScan('NEURO', 'SUBJ1_MR1', '2', { type: 'BOLD', series_description: 'rest fMRI', quality: 'questionable' });
    await admin.createScan('NEURO', 'SUBJ1_MR1', '3', { type: 'DWI', series_description: 'DTI 64 dir', quality: 'unusable' });
    for (let i = 1; i <= 3; i++) await admin.uploadFile('NEURO', 'SUBJ1_MR1', '1', 'DICOM', `${i}.dcm`, Buffer.alloc(1024, i));
    for (let i = 1; i <= 2; i++) await admin.uploadFile('NEURO', 'SUBJ1_MR1', '2', 'DICOM', `${i}.dcm`, Buffer.alloc(2048, i));
    await admin.ok('PUT', '/data/projects/NEURO/experiments/SUBJ1_MR1/resources/NOTES/files/notes.txt', 'scanner notes', { 'content-type': 'text/plain' });
  });

  test('the subject page shows demographics and sessions, and edits them with errors under the field', async (t) => {
    const { page, context } = t;
    await logInContext(context, suite.server.url, 'sam');
    await page.goto('/projects/NEURO/subjects/SUBJ1');
    await page.getByRole('heading', { level: 1, name: 'SUBJ1' }).waitFor();
    const demographics = page.getByRole('region', { name: 'Demographics' });
    assert.match(await demographics.textContent() ?? '', /Genderfemale/);
    assert.match(await demographics.textContent() ?? '', /Date of birth1971-05-04/);
    const sessions = page.getByTestId('subject-sessions').locator('tbody tr');
    assert.deepEqual(await cells(sessions.nth(0)), ['SUBJ1_MR1', '2024-02-12', 'MR session', 'NEURO']);
    assert.equal(await sessions.count(), 2);

    await demographics.getByRole('button', { name: 'Edit' }).click();
    await page.getByLabel('Year of birth').fill('nineteen-seventy');
    await page.getByRole('button', { name: 'Save' }).click();
    const yobError = page.locator('#subject-yob-error');
    await yobError.waitFor();
    assert.match(await yobError.textContent() ?? '', /Invalid value 'nineteen-seventy' for yob: expected a whole number/);
    assert.equal(await page.getByLabel('Year of birth').getAttribute('aria-invalid'), 'true');

    await page.getByLabel('Year of birth').fill('1971');
    await page.getByLabel('Handedness').selectOption('left');
    await page.getByLabel('Race').fill('');
    await page.getByRole('button', { name: 'Save' }).click();
    await demographics.getByRole('button', { name: 'Edit' }).waitFor();
    assert.match(await demographics.textContent() ?? '', /Handednessleft/);
    assert.match(await demographics.textContent() ?? '', /Year of birth1971/);
    const row = (await admin.rows('/data/projects/NEURO/subjects?label=SUBJ1&columns=label,yob,handedness,gender'))[0];
    assert.deepEqual([row?.yob, row?.handedness, row?.gender], ['1971', 'left', 'female']);
    await screenshot(page, 'subject');
    assertNoConsoleErrors(t, [refused(400)]);
  });

  test('the session page lists scans with type, description, quality, file counts and sizes, and resources', async (t) => {
    const { page, context } = t;
    await logInContext(context, suite.server.url, 'sam');
    await page.goto('/projects/NEURO/subjects/SUBJ1');
    await page.getByRole('link', { name: 'SUBJ1_MR1' }).click();
    await page.getByRole('heading', { level: 1, name: 'SUBJ1_MR1' }).waitFor();
    const scans = page.getByTestId('scans-table').locator('tbody tr');
    await scans.first().waitFor();
    assert.deepEqual((await cells(scans.nth(0))).slice(1), ['1', 'T1w', 'MPRAGE sag', 'usable', '3', '3.0 KB']);
    assert.deepEqual((await cells(scans.nth(1))).slice(1), ['2', 'BOLD', 'rest fMRI', 'questionable', '2', '4.0 KB']);
    assert.deepEqual((await cells(scans.nth(2))).slice(1), ['3', 'DWI', 'DTI 64 dir', 'unusable', '0', '0 B']);
    assert.equal(await page.getByTestId('scan-totals').textContent(), '3 scans, 5 files, 7.0 KB');
    await page.getByLabel('Choose scan 1').check();
    await page.getByLabel('Choose scan 2').check();
    const chosen = page.getByRole('link', { name: 'Download 2 chosen scans' });
    assert.match(await chosen.getAttribute('href') ?? '', /\/data\/experiments\/[^/]+\/scans\/1,2\/files\?format=zip$/);
    await screenshot(page, 'session', { doc: true });

    await page.getByRole('tab', { name: 'Resources' }).click();
    const resources = page.getByTestId('resources-table');
    await resources.waitFor();
    const rows = await Promise.all((await resources.locator('tbody tr').all()).map(cells));
    const pick = (where: string) => rows.find((r) => r[0] === where);
    assert.deepEqual([pick('Session')?.[1], pick('Session')?.[4]], ['NOTES', '1']);
    assert.deepEqual([pick('Scan 1 (T1w)')?.[1], pick('Scan 1 (T1w)')?.[4], pick('Scan 1 (T1w)')?.[5]], ['DICOM', '3', '3.0 KB']);
    assert.deepEqual([pick('Scan 2 (BOLD)')?.[4], pick('Scan 2 (BOLD)')?.[5]], ['2', '4.0 KB']);
    assert.match(page.url(), /tab=resources/);

    await page.getByRole('tab', { name: 'Projects' }).click();
    const projects = page.getByTestId('projects-tab-table').locator('tbody tr');
    await projects.first().waitFor();
    assert.deepEqual(await cells(projects.nth(0)), ['Neuro imaging core', 'NEURO', 'SUBJ1_MR1', 'Owner']);
    assert.equal(await projects.count(), 1);
    assertNoConsoleErrors(t);
  });

  test('session fields are added and edited', async (t) => {
    const { page, context } = t;
    await logInContext(context, suite.server.url, 'sam');
    await page.goto('/projects/NEURO/experiments/SUBJ1_MR2');
    await page.getByRole('button', { name: 'Edit fields' }).click();
    await page.getByLabel('Visit').fill('V2');
    await page.getByLabel('Date', { exact: true }).fill('2024-02-31');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('#session-date-error').filter({ hasText: /Invalid value '2024-02-31' for date/ }).waitFor();
    await page.getByLabel('Date', { exact: true }).fill('2024-08-21');
    await page.getByLabel('Notes').fill('Subject moved during run 2.');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('button', { name: 'Edit fields' }).waitFor();
    const details = await page.getByRole('region', { name: 'Details' }).textContent() ?? '';
    assert.match(details, /VisitV2/);
    assert.match(details, /Date2024-08-21/);
    assert.match(details, /NotesSubject moved during run 2\./);
    const row = (await admin.rows('/data/projects/NEURO/experiments?label=SUBJ1_MR2&columns=label,visit_id,date,note'))[0];
    assert.deepEqual([row?.visit_id, row?.date, row?.note], ['V2', '2024-08-21', 'Subject moved during run 2.']);
    assertNoConsoleErrors(t, [refused(400)]);
  });

  test('Share Into offers only the projects she owns', async (t) => {
    const { page, context } = t;
    await logInContext(context, suite.server.url, 'sam');
    await page.goto('/projects/NEURO/subjects/SUBJ1');
    const select = page.getByLabel('Share into', { exact: true });
    await select.waitFor();
    assert.deepEqual(await optionValues(select), ['OWN2']);
    await page.goto('/projects/NEURO/experiments/SUBJ1_MR1');
    await page.getByLabel('Share into', { exact: true }).waitFor();
    assert.deepEqual(await optionValues(page.getByLabel('Share into', { exact: true })), ['OWN2']);
    assertNoConsoleErrors(t);
  });

  test('a collaborator reads everything but sees no Share Into and no edit buttons', async (t) => {
    const { page, context } = t;
    await logInContext(context, suite.server.url, 'cleo');
    await page.goto('/projects/NEURO/subjects/SUBJ1');
    await page.getByTestId('subject-sessions').waitFor();
    await page.getByTestId('subject-sessions').getByRole('link', { name: 'SUBJ1_MR1' }).waitFor();
    assert.equal(await page.getByRole('group', { name: 'Share into another project' }).count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Edit' }).count(), 0);
    await page.goto('/projects/NEURO/experiments/SUBJ1_MR1');
    await page.getByTestId('scans-table').waitFor();
    assert.equal(await page.getByRole('group', { name: 'Share into another project' }).count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Edit fields' }).count(), 0);
    await screenshot(page, 'session-collaborator');
    assertNoConsoleErrors(t);
  });

  test('a collaborator is offered no way to add data: no subject creation, upload or prearchive', async (t) => {
    const { page, context } = t;
    await logInContext(context, suite.server.url, 'cleo');
    await page.goto('/projects/NEURO');
    await page.getByTestId('subjects-table').getByRole('link', { name: 'SUBJ1' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Create subject' }).count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Add subjects from a spreadsheet' }).count(), 0);
    const actions = page.locator('.page-actions');
    await actions.getByRole('link', { name: 'Download Images' }).waitFor();
    assert.equal(await actions.getByRole('link', { name: 'Upload Images' }).count(), 0);
    assert.equal(await actions.getByRole('link', { name: 'Prearchive' }).count(), 0);
    assert.equal(await page.getByRole('tab', { name: 'Manage access' }).count(), 0);

    // Arriving at the uploader anyway says why nothing can be uploaded, instead of offering a form the server would refuse.
    await page.goto('/upload');
    await page.getByText('You cannot upload into any project: uploading needs the Owner or Member role.').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Begin upload' }).count(), 0);
    assertNoConsoleErrors(t);
  });

  test('a missing subject is reported in a sentence', async (t) => {
    const { page, context } = t;
    await logInContext(context, suite.server.url, 'sam');
    await page.goto('/projects/NEURO/subjects/NOPE');
    await page.getByRole('alert').filter({ hasText: /NOPE/ }).waitFor();
    assertNoConsoleErrors(t, [refused(404)]);
  });
});
