import assert from 'node:assert/strict';
import { before, describe } from 'node:test';
import { assertNoConsoleErrors, browserSkipReason, refused, screenshot, type TestPage } from '../support/browser.js';
import { makeDicomZip } from '../support/dicom-zip.js';
import { logInContext, SeedClient } from '../support/seed-client.js';
import { browserSuite } from '../support/browser-suite.js';

describe('web UI: the compressed uploader and the prearchive', { skip: browserSkipReason() }, () => {
  const suite = browserSuite();
  let admin: SeedClient;
  const { test } = suite;

  before(async () => {
    admin = suite.admin;
    await admin.createUser('uma');
    await admin.createProject('UP', { name: 'Upload study' });
    await admin.createProject('UP2', { name: 'Second upload study' });
    await admin.addMember('UP', 'owner', 'uma');
    await admin.addMember('UP2', 'member', 'uma');
  });

  const uploadThroughUi = async (t: TestPage, zip: Buffer, labels: { subject: string; session: string }, throttle = false) => {
    const { page } = t;
    await page.goto('/upload?project=UP');
    await page.getByRole('radio', { name: 'Use these labels' }).check();
    await page.getByLabel('Subject label').fill(labels.subject);
    await page.getByLabel('Session label').fill(labels.session);
    await page.getByRole('radio', { name: /Prearchive/ }).check();
    await page.getByLabel('File (zip, tar or tar.gz)').setInputFiles({ name: 'export.zip', mimeType: 'application/zip', buffer: zip });
    if (throttle) {
      // Slow the upload down so the progress bar is seen moving.
      const cdp = await t.context.newCDPSession(page);
      await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 1024 * 1024 });
    }
    await page.getByRole('button', { name: 'Begin upload' }).click();
  };

  test('uploads a zip to the prearchive with a progress bar, then archives it from the review page', async (t) => {
    const { page, context } = t;
    await logInContext(context, suite.server.url, 'uma');
    const zip = await makeDicomZip({ patientId: 'U01', patientName: 'U01', studyUid: '1.2.826.0.1.3680043.8.498.1001', size: 256,
      series: [{ number: 1, description: 'T1 MPRAGE', instances: 12 }, { number: 2, description: 'rest BOLD', instances: 8 }] });
    await uploadThroughUi(t, zip, { subject: 'U01', session: 'U01_MR1' }, true);
    const bar = page.getByRole('progressbar', { name: 'Upload progress' });
    await bar.waitFor();
    await page.locator('progress[aria-label="Upload progress"]:not([value="0"])').waitFor();
    await page.getByText(/of [\d.]+ [KM]B \(\d+%\)/).waitFor();
    await screenshot(page, 'uploader', { doc: true });
    await page.getByText('Upload finished.').waitFor({ timeout: 60_000 });
    await screenshot(page, 'uploader-done');

    await page.getByRole('link', { name: 'U01_MR1' }).click();
    await page.getByRole('heading', { level: 1, name: 'U01_MR1' }).waitFor();
    const scans = page.getByTestId('prearchive-scans').locator('tbody tr');
    await scans.nth(1).waitFor();
    assert.equal(await scans.count(), 2);
    assert.deepEqual((await scans.nth(0).locator('td').allTextContents()).slice(0, 4), ['1', 'MR scan', 'T1 MPRAGE', '12']);
    assert.deepEqual((await scans.nth(1).locator('td').allTextContents()).slice(0, 4), ['2', 'MR scan', 'rest BOLD', '8']);
    await screenshot(page, 'prearchive', { doc: true });

    await page.getByRole('button', { name: 'Archive session' }).click();
    await page.getByRole('heading', { level: 1, name: 'U01_MR1' }).waitFor();
    await page.getByTestId('scans-table').waitFor();
    assert.match(new URL(page.url()).pathname, /^\/projects\/UP\/experiments\//);
    const rows = await admin.rows('/data/projects/UP/experiments/U01_MR1/scans?columns=ID,file_count');
    assert.deepEqual(rows.map((r) => r.file_count).sort(), ['12', '8']);
    assertNoConsoleErrors(t);
  });

  test('a session whose StudyInstanceUID differs from the archived one shows the conflict reason', async (t) => {
    const { page, context } = t;
    await logInContext(context, suite.server.url, 'uma');
    await admin.ok('PUT', '/data/projects/UP/subjects/U02/experiments/U02_MR1?xsiType=xnat:mrSessionData&UID=1.2.826.0.1.3680043.8.498.2001');
    const zip = await makeDicomZip({ patientId: 'U02', patientName: 'U02', studyUid: '1.2.826.0.1.3680043.8.498.2999',
      series: [{ number: 1, description: 'T1', instances: 2 }] });
    await uploadThroughUi(t, zip, { subject: 'U02', session: 'U02_MR1' });
    await page.getByText('Upload finished.').waitFor({ timeout: 60_000 });
    await page.getByRole('link', { name: 'U02_MR1' }).click();
    await page.getByRole('button', { name: 'Archive session' }).click();
    await page.locator('#archive-error').filter({ hasText: /UID/ }).waitFor();
    assert.equal(new URL(page.url()).pathname.startsWith('/prearchive/'), true, 'stays on the review page');

    await page.goto('/prearchive?project=UP');
    const entry = page.getByTestId('prearchive-table').locator('tbody tr', { hasText: 'U02_MR1' });
    await entry.waitFor();
    await entry.getByText(/StudyInstanceUID 1\.2\.826\.0\.1\.3680043\.8\.498\.2001/).waitFor();
    assert.deepEqual((await entry.locator('td').allTextContents()).slice(5, 7).map((c) => c.replace(/\(.*\)/, '').trim()), ['1', '2']);
    assertNoConsoleErrors(t, [refused(409), refused(400)]);
  });

  test('moves a session to another project and deletes one', async (t) => {
    const { page, context } = t;
    await logInContext(context, suite.server.url, 'uma');
    const zip = await makeDicomZip({ patientId: 'U03', patientName: 'U03', studyUid: '1.2.826.0.1.3680043.8.498.3001', series: [{ number: 1, description: 'T1', instances: 2 }] });
    await uploadThroughUi(t, zip, { subject: 'U03', session: 'U03_MR1' });
    await page.getByText('Upload finished.').waitFor({ timeout: 60_000 });
    await page.getByRole('link', { name: 'U03_MR1' }).click();
    await page.getByRole('button', { name: 'Move' }).click();
    await page.getByRole('alert').filter({ hasText: 'Choose the project to move this session to.' }).waitFor();
    await page.getByLabel('Move to project').selectOption('UP2');
    await page.getByRole('button', { name: 'Move' }).click();
    await page.waitForURL(/\/prearchive\?project=UP2/);
    const moved = page.getByTestId('prearchive-table').locator('tbody tr', { hasText: 'U03_MR1' });
    await moved.waitFor();
    await moved.getByRole('link').click();
    await page.getByRole('button', { name: 'Delete' }).waitFor();
    const review = page.url();
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.waitForURL(/\/prearchive\?project=UP2/);
    await page.getByText('Nothing from UP2 is waiting in the prearchive.').waitFor();
    // An old link to the deleted session says what happened.
    await page.goto(review);
    await page.getByRole('alert').filter({ hasText: /^No prearchive session UP2\/\w+\/U03_MR1\.$/ }).waitFor();
    assertNoConsoleErrors(t, [refused(404)]);
  });

  test('refuses a missing or wrong file, half-given labels and an archive with non-DICOM files, each next to its field', async (t) => {
    const { page, context } = t;
    await logInContext(context, suite.server.url, 'uma');
    const fileError = page.locator('#upload-error');
    await page.goto('/upload?project=UP');
    await page.getByRole('button', { name: 'Begin upload' }).click();
    await fileError.filter({ hasText: 'Choose a zip or tar.gz file to upload.' }).waitFor();
    const file = page.getByLabel('File (zip, tar or tar.gz)');
    await file.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not an archive') });
    await page.getByRole('button', { name: 'Begin upload' }).click();
    await fileError.filter({ hasText: 'notes.txt is not a zip, tar or tar.gz file.' }).waitFor();

    const zip = await makeDicomZip({ patientId: 'U04', patientName: 'U04', studyUid: '1.2.826.0.1.3680043.8.498.4001', series: [{ number: 1, description: 'T1', instances: 2 }] },
      [{ name: 'export/README.txt', content: 'exported by the scanner console' }]);
    await file.setInputFiles({ name: 'export.zip', mimeType: 'application/zip', buffer: zip });
    await page.getByRole('radio', { name: 'Use these labels' }).check();
    await page.getByLabel('Subject label').fill('U04');
    await page.getByRole('button', { name: 'Begin upload' }).click();
    await page.getByRole('alert').filter({ hasText: 'Enter both the subject and the session label' }).waitFor();

    await page.getByLabel('Session label').fill('U04_MR1');
    await page.getByRole('button', { name: 'Begin upload' }).click();
    await fileError.filter({ hasText: /README\.txt/ }).waitFor({ timeout: 60_000 });
    assert.equal(await page.getByRole('button', { name: 'Begin upload' }).isEnabled(), true, 'the form can be sent again');
    assert.equal((await admin.rows('/data/prearchive/projects/UP')).filter((r) => r.name === 'U04_MR1').length, 0, 'nothing was received');

    await page.getByRole('checkbox', { name: 'Ignore files that are not DICOM' }).check();
    await page.getByRole('button', { name: 'Begin upload' }).click();
    await page.getByText('Upload finished.').waitFor({ timeout: 60_000 });
    assert.equal((await admin.rows('/data/prearchive/projects/UP')).filter((r) => r.name === 'U04_MR1').length, 1);
    assertNoConsoleErrors(t, [refused(400)]);
  });
});
