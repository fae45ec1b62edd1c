import assert from 'node:assert/strict';
import { before, describe } from 'node:test';
import { assertNoConsoleErrors, browserSkipReason, refused, screenshot } from '../support/browser.js';
import { logInContext, passwordOf } from '../support/seed-client.js';
import { browserSuite } from '../support/browser-suite.js';

describe('web UI: logging in and the home page', { skip: browserSkipReason() }, () => {
  const suite = browserSuite();
  const { test } = suite;

  before(async () => {
    const admin = suite.admin;
    await admin.createUser('lena', { firstName: 'Lena', lastName: 'Ortiz' });
    await admin.createProject('ALPHA', { name: 'Alpha memory study', pi_firstname: 'Ada', pi_lastname: 'King' });
    await admin.createProject('BETA', { name: 'Beta pilot' });
    await admin.createProject('GAMMA', { name: 'Gamma (not hers)' });
    await admin.addMember('ALPHA', 'owner', 'lena');
    await admin.addMember('BETA', 'member', 'lena');
    for (const s of ['S001', 'S002', 'S003']) await admin.createSubject('ALPHA', s);
    await admin.createSession('ALPHA', 'S001', 'S001_MR1', { date: '2024-03-01' });
    await admin.createSession('ALPHA', 'S002', 'S002_MR1', { date: '2024-03-02' });
    await admin.createSubject('BETA', 'B01');
    await admin.createSubject('GAMMA', 'G01');
  });

  test('logs in through the form, refusing a wrong password with a readable sentence', async (t) => {
    const { page } = t;
    await page.goto('/');
    await page.getByLabel('Username').fill('lena');
    await page.getByLabel('Password').fill('wrong-password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('alert').filter({ hasText: 'The username or password is not right' }).waitFor();
    assert.equal(await page.getByRole('heading', { name: 'Your projects' }).count(), 0);

    await page.getByLabel('Password').fill(passwordOf('lena'));
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Your projects' }).waitFor();
    assert.equal(await page.getByTestId('current-user').textContent(), 'lena');
    assertNoConsoleErrors(t, [refused(401)]);
  });

  test('home lists the projects she can access with subject and session counts, and the activity feed', async (t) => {
    const { page, context } = t;
    await logInContext(context, suite.server.url, 'lena');
    await page.goto('/');
    const projects = page.getByTestId('project-list').locator('li');
    await projects.first().waitFor();
    assert.deepEqual(await Promise.all((await projects.all()).map((li) => li.getAttribute('data-project'))), ['ALPHA', 'BETA']);
    const alpha = page.locator('li[data-project="ALPHA"]');
    assert.equal(await alpha.getByTestId('subject-count').textContent(), '3 subjects');
    assert.equal(await alpha.getByTestId('session-count').textContent(), '2 sessions');
    assert.match(await alpha.textContent() ?? '', /PI: Ada King/);
    assert.match(await alpha.textContent() ?? '', /owner/);
    assert.equal(await page.locator('li[data-project="BETA"]').getByTestId('subject-count').textContent(), '1 subject');

    const feed = page.getByTestId('activity-feed');
    await feed.getByText('created session S002_MR1 in ALPHA').waitFor();
    assert.equal(await feed.getByText(/G01/).count(), 0, 'events of projects she cannot read stay hidden');
    await screenshot(page, 'home', { doc: true });

    await feed.getByRole('link', { name: 'S002_MR1' }).click();
    await page.getByRole('heading', { level: 1, name: /S002_MR1/ }).waitFor();
    assert.match(page.url(), /\/projects\/ALPHA\/experiments\//);
    assertNoConsoleErrors(t);
  });

  test('a shared address asks for a login and then shows that page', async (t) => {
    const { page } = t;
    await page.goto('/projects/ALPHA?q=S00');
    await page.getByLabel('Username').fill('lena');
    await page.getByLabel('Password').fill(passwordOf('lena'));
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { level: 1, name: /Alpha memory study/ }).waitFor();
    assert.match(page.url(), /\/projects\/ALPHA\?q=S00$/);
    assertNoConsoleErrors(t);
  });

  test("XNAT's /app/... links open the matching page", async (t) => {
    const { page, context } = t;
    await logInContext(context, suite.server.url, 'lena');
    await page.goto('/app/action/DisplayItemAction/search_element/xnat:projectData/search_field/xnat:projectData.ID/search_value/ALPHA');
    await page.getByRole('heading', { level: 1, name: /Alpha memory study/ }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/projects/ALPHA');

    // A subject link that names no project opens the subject in its owner project.
    const id = (await suite.admin.rows('/data/projects/ALPHA/subjects?label=S003'))[0]?.ID ?? '';
    await page.goto(`/app/action/DisplayItemAction/search_element/xnat:subjectData/search_field/xnat:subjectData.ID/search_value/${id}`);
    await page.waitForURL(/\/projects\/ALPHA\/subjects\/S003$/);
    await page.getByRole('heading', { level: 1, name: 'S003' }).waitFor();
    assertNoConsoleErrors(t);
  });

  test('logging out ends the session', async (t) => {
    const { page, context } = t;
    await logInContext(context, suite.server.url, 'lena');
    await page.goto('/');
    await page.getByRole('heading', { name: 'Your projects' }).waitFor();
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
    await page.goto('/projects/ALPHA');
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === 'JSESSIONID');
    if (session) {
      const check = await fetch(`${suite.server.url}/data/auth`, { headers: { cookie: `JSESSIONID=${session.value}` } });
      assert.equal(check.status, 401, 'the old session cookie no longer works');
    }
    assertNoConsoleErrors(t);
  });
});
