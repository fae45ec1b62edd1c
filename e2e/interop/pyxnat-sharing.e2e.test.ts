import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { testDialects } from '../../server/test/support/dialects.js';
import { basicAuth, E2E_ADMIN, startServer, type RunningTestServer } from '../support/start-server.js';
import { INTEROP_DIR, missingPython, PYTHON } from './python-client.js';

const USER = { login: 'sharer', password: 'sharer-password-1' };
const missing = await missingPython(['pyxnat']);

for (const dialect of testDialects()) {
  describe(`sharing with the real pyxnat (${dialect})`, { skip: missing }, () => {
    let server: RunningTestServer;
    const call = async (method: string, url: string, auth = USER, body?: unknown) => {
      const res = await fetch(`${server.url}${url}`, {
        method, headers: { ...basicAuth(auth.login, auth.password), ...(body !== undefined && { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, text: await res.text() };
    };
    const rows = async (url: string) => (JSON.parse((await call('GET', url)).text) as { ResultSet: { Result: Record<string, string>[] } }).ResultSet.Result;

    before(async () => {
      server = await startServer({ dialect });
      const created = await call('POST', '/xapi/users', E2E_ADMIN, { username: USER.login, password: USER.password, email: 'sharer@example.org' });
      assert.equal(created.status, 201, created.text);
      for (const p of ['SRC', 'DST']) assert.equal((await call('PUT', `/data/projects/${p}`)).status, 200);
    });
    after(() => server?.stop());

    const pyxnat = (phase: 'share' | 'unshare') => {
      const run = spawnSync(PYTHON, [path.join(INTEROP_DIR, 'pyxnat_sharing.py'), server.url, USER.login, USER.password, phase], { encoding: 'utf8', timeout: 120_000 });
      assert.equal(run.status, 0, `pyxnat ${phase} failed:\n${run.stderr}\n${run.stdout}`);
      return Object.fromEntries(run.stdout.trim().split('\n').map((l) => JSON.parse(l) as { step: string }).map((s) => [s.step, s])) as Record<string, any>;
    };

    it('shares a subject and a session; the destination lists them under their new labels', async () => {
      const steps = pyxnat('share');
      const sessionId = steps.created.session_id as string;
      assert.deepEqual(steps.created, { step: 'created', subject: true, session: true, session_id: sessionId });
      assert.match(sessionId, /^XNAT_E\d{5}$/);
      assert.deepEqual(steps.shared, {
        step: 'shared', subjects: ['D01'], experiments: ['D_MR1'], experiment_ids: [sessionId], subject_in_dst: true, session_in_dst: true, label_in_dst: 'D01', shares: ['DST', 'SRC'],
      });
      assert.equal(steps['share-into-owner'].refused, true);
      const subjects = await rows('/data/projects/DST/subjects?format=json&columns=label,project,shared');
      assert.deepEqual(subjects.map((r) => [r.label, r.project, r.shared]), [['D01', 'SRC', '1']]);
      const experiments = await rows('/data/projects/DST/experiments?format=json&columns=ID,label,project,subject_label');
      assert.deepEqual(experiments.map((r) => [r.ID, r.label, r.project, r.subject_label]), [[sessionId, 'D_MR1', 'DST', 'D01']]);
    });

    it('unshares them again; the destination lists nothing and the source keeps its data', async () => {
      const steps = pyxnat('unshare');
      assert.deepEqual(steps.unshared, { step: 'unshared', subjects: [], experiment_ids: [], subject_in_dst: false, source_still: true });
    });

    it('leaves the listings as pyxnat saw them, and the audit trail records each step', async () => {
      assert.deepEqual(await rows('/data/projects/DST/subjects?format=json'), []);
      assert.deepEqual(await rows('/data/projects/DST/experiments?format=json'), []);
      assert.deepEqual((await rows('/data/projects/SRC/subjects?format=json')).map((r) => r.label), ['S01']);
      const events = (JSON.parse((await call('GET', '/xapi/activity?project=DST&limit=50')).text) as { events: { action: string; label: string; actor: string }[] }).events;
      assert.deepEqual(events.filter((e) => e.action === 'share' || e.action === 'unshare').map((e) => `${e.actor}:${e.action}:${e.label}`).reverse(),
        ['sharer:share:D01', 'sharer:share:D_MR1', 'sharer:unshare:D_MR1', 'sharer:unshare:D01']);
    });
  });
}
