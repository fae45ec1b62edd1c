import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { hashUid } from '../../src/domain/anonymization-script.js';
import { AppError } from '../../src/domain/errors.js';
import { AnonymizationService } from '../../src/services/ingest/anonymization.service.js';
import { RoutingRulesService } from '../../src/services/ingest/routing-rules.service.js';
import type { ApiClient } from '../support/api-client.js';
import { makeProject } from '../support/builders.js';
import { testDialects } from '../support/dialects.js';
import { dumpDicom, writeDicom } from '../support/pydicom.js';
import { buildTestApp, type TestApp } from '../support/test-app.js';

const TEXT = { 'content-type': 'text/plain' };
const STUDY_UID = '1.2.826.0.1.3680043.8.498.777';
const CONTEXT = { project: 'P1', subject: 'S01', session: 'S01_MR1' };

for (const dialect of testDialects()) {
  describe(`anonymization scripts and routing rules stored through /data/config (${dialect})`, () => {
    let t: TestApp;
    let owner: ApiClient;
    let input: string;
    before(async () => {
      t = await buildTestApp(dialect);
      owner = await t.user('olga');
      await makeProject(owner, 'P1');
      await makeProject(owner, 'P2');
      input = path.join(t.dataDir, 'in.dcm');
      await writeDicom(input, {
        elements: [
          ['00080016', 'UI', '1.2.840.10008.5.1.4.1.1.4'], ['00080018', 'UI', '1.2.826.0.1.3680043.8.498.778'],
          ['00080080', 'LO', 'General Hospital'], ['00100010', 'PN', 'DOE^JANE'], ['00100020', 'LO', 'MRN1'],
          ['00101000', 'LO', 'OLD-ID'], ['0020000D', 'UI', STUDY_UID],
        ],
        pixels: [4, 4],
      });
    });
    after(() => t.close());

    const put = (client: ApiClient, url: string, body: string) => client.put(url, { body, headers: TEXT });
    const contents = async (client: ApiClient, url: string) => (await client.get(`${url}?contents=true`)).text;

    it('refuses an invalid anonymization script with 400 naming the line, keeping the stored one', async () => {
      assert.equal((await put(t.admin, '/data/config/anon/script?inbody=true', '-(0010,1000)\n')).status, 201);
      const bad = await put(t.admin, '/data/config/anon/script?inbody=true', '-(0010,1000)\n(0010,0010) = "ANON"\n');
      assert.equal(bad.status, 400);
      assert.match(bad.text, /line 2: expected ':=' after the tag/);
      assert.equal(await contents(t.admin, '/data/config/anon/script'), '-(0010,1000)\n');
      const badProject = await put(owner, '/data/projects/P1/config/anon?inbody=true', '(0010,0010) := patient\n');
      assert.equal(badProject.status, 400);
      assert.match(badProject.text, /line 1: expected a value after ':='/);
      assert.equal((await owner.get('/data/projects/P1/config/anon?contents=true')).status, 404);
      // Only a status change: contents are not re-checked.
      assert.equal((await t.admin.put('/data/config/anon/script?status=enabled')).status, 200);
    });

    it('refuses invalid routing rules with 400 naming the line, keeping the stored ones', async () => {
      assert.equal((await put(t.admin, '/data/config/dicom/projectRules', '(0008,1030):^(\\w+)\n')).status, 201);
      for (const [body, message] of [
        ['(0008,1030):^(\\w+)\n(0008,103):x', /line 2: expected \(gggg,eeee\):REGEX/],
        ['# c\n\n(0008,1030):(unclosed', /line 3: invalid regular expression/],
        ['(0008,1030):(a):2', /line 1: group 2 is out of range/],
      ] as const) {
        const r = await put(t.admin, '/data/config/dicom/projectRules', body);
        assert.equal(r.status, 400, body);
        assert.match(r.text, message);
      }
      assert.equal(await contents(t.admin, '/data/config/dicom/projectRules'), '(0008,1030):^(\\w+)\n');
      assert.equal((await put(owner, '/data/projects/P1/config/dicom/sessionRules', '(0010,0020)')).status, 400);
      // Other tools and paths are stored as given.
      assert.equal((await put(t.admin, '/data/config/dicom/notes', '(not a rule')).status, 201);
    });

    it('reads site and project scripts in order, honouring disabled status', async () => {
      const anon = new AnonymizationService(t.app.db, { cacheMs: 0 });
      assert.equal((await put(t.admin, '/data/config/anon/script', '(0010,0010) := "SITE"\n-(0010,1000)\n')).status, 200);
      assert.equal((await put(owner, '/data/projects/P1/config/anon', '(0010,0010) := subject\n(0020,000D) := hashUID[(0020,000D)]\n')).status, 201);
      assert.deepEqual((await anon.scriptsFor('P1')).map((s) => [s.name, s.statements.length]), [['site script', 2], ['script of project P1', 2]]);
      assert.deepEqual((await anon.scriptsFor('P2')).map((s) => s.name), ['site script']);
      assert.deepEqual((await anon.scriptsFor(undefined)).map((s) => s.name), ['site script']);

      assert.equal((await t.admin.put('/data/config/anon/script?status=disabled')).status, 200);
      assert.deepEqual((await anon.scriptsFor('P1')).map((s) => s.name), ['script of project P1']);
      assert.equal((await owner.put('/data/projects/P1/config/anon?status=disabled')).status, 200);
      assert.deepEqual(await anon.scriptsFor('P1'), []);
      assert.equal((await owner.put('/data/projects/P1/config/anon?status=enabled')).status, 200);
      assert.equal((await t.admin.put('/data/config/anon/script?status=enabled')).status, 200);
    });

    it('applies site then project scripts to a file; writes nothing when no script applies', async () => {
      const anon = new AnonymizationService(t.app.db, { cacheMs: 0 });
      const output = path.join(t.dataDir, 'out.dcm');
      assert.equal(await anon.apply(input, output, CONTEXT), true);
      const before = (await dumpDicom(input)).dataset;
      const after = (await dumpDicom(output)).dataset;
      assert.deepEqual(after['00100010']?.Value, [{ Alphabetic: 'S01' }]);
      assert.equal(after['00101000'], undefined);
      assert.deepEqual(after['0020000D']?.Value, [hashUid(STUDY_UID)]);
      assert.deepEqual(after['00080080'], before['00080080']);
      assert.deepEqual(after['7FE00010'], before['7FE00010']);

      const siteOnly = path.join(t.dataDir, 'site-only.dcm');
      assert.equal(await anon.apply(input, siteOnly, { ...CONTEXT, project: '' }), true);
      assert.deepEqual((await dumpDicom(siteOnly)).dataset['00100010']?.Value, [{ Alphabetic: 'SITE' }]);

      assert.equal((await t.admin.put('/data/config/anon/script?status=disabled')).status, 200);
      const none = path.join(t.dataDir, 'none.dcm');
      assert.equal(await anon.apply(input, none, { ...CONTEXT, project: 'P2' }), false);
      await assert.rejects(fs.stat(none), { code: 'ENOENT' });
      // A script with only comments applies nothing either.
      assert.equal((await put(owner, '/data/projects/P2/config/anon', '// nothing yet\n')).status, 201);
      assert.equal(await anon.apply(input, none, { ...CONTEXT, project: 'P2' }), false);
      await assert.rejects(fs.stat(none), { code: 'ENOENT' });
      assert.equal((await t.admin.put('/data/config/anon/script?status=enabled')).status, 200);
    });

    it('remembers scripts only for the cache time', async () => {
      let clock = 1_000;
      const anon = new AnonymizationService(t.app.db, { cacheMs: 2000, now: () => clock });
      const first = (await anon.scriptsFor(undefined))[0]?.statements.length;
      assert.equal((await put(t.admin, '/data/config/anon/script', '-(0010,1000)\n-(0010,1001)\n-(0010,1002)\n')).status, 200);
      clock += 1999;
      assert.equal((await anon.scriptsFor(undefined))[0]?.statements.length, first);
      clock += 1;
      assert.equal((await anon.scriptsFor(undefined))[0]?.statements.length, 3);
    });

    it('fails closed on a stored script that no longer parses', async () => {
      // Stored before validation existed: written straight into the table.
      await t.app.db.insertInto('config_entry').values({
        tool: 'anon', path: 'script', project_id: 'P2', contents: '(0010,0010) = "X"', status: 'enabled', reason: null,
        version: 99, created_at: new Date().toISOString(), created_by: 'admin',
      }).execute();
      const anon = new AnonymizationService(t.app.db, { cacheMs: 0 });
      await assert.rejects(anon.apply(input, path.join(t.dataDir, 'x.dcm'), { ...CONTEXT, project: 'P2' }),
        (e: unknown) => e instanceof AppError && e.code === 'invalid_input' && /script of project P2 line 1/.test(e.message));
    });

    it('reads site and project routing rules, honouring disabled status and the cache time', async () => {
      let clock = 0;
      const invalid: string[] = [];
      const rules = new RoutingRulesService(t.app.db, { cacheMs: 2000, now: () => clock, onInvalid: (where, e) => invalid.push(`${where}: ${e.message}`) });
      assert.equal((await put(t.admin, '/data/config/dicom/subjectRules', '(0010,0020):^(\\w+)\n')).status, 201);
      assert.equal((await put(t.admin, '/data/config/dicom/sessionRules', '(0008,0050):(\\d+)\n(0008,0050):(\\w+)\n')).status, 201);
      assert.equal((await put(owner, '/data/projects/P1/config/dicom/subjectRules', '(0010,4000):Subj=(\\w+)\n')).status, 201);
      const site = await rules.siteRules();
      assert.deepEqual([site.project, site.subject, site.session].map((list) => list.map((r) => r.source)), [
        ['(0008,1030):^(\\w+)'], ['(0010,0020):^(\\w+)'], ['(0008,0050):(\\d+)', '(0008,0050):(\\w+)'],
      ]);
      const p1 = await rules.projectRules('P1');
      assert.deepEqual([p1.project.length, p1.subject.map((r) => r.source), p1.session.length], [0, ['(0010,4000):Subj=(\\w+)'], 0]);
      assert.deepEqual(await rules.projectRules('P2'), { project: [], subject: [], session: [] });
      const combined = await rules.rulesFor('P1');
      assert.deepEqual([combined.project, combined.subject, combined.session].map((list) => list.map((r) => r.source)), [
        ['(0008,1030):^(\\w+)'], ['(0010,4000):Subj=(\\w+)', '(0010,0020):^(\\w+)'], ['(0008,0050):(\\d+)', '(0008,0050):(\\w+)'],
      ]);
      assert.deepEqual(await rules.rulesFor(undefined), site);

      assert.equal((await t.admin.put('/data/config/dicom/projectRules?status=disabled')).status, 200);
      assert.equal((await rules.siteRules()).project.length, 1);
      clock += 2000;
      assert.equal((await rules.siteRules()).project.length, 0);

      await t.app.db.insertInto('config_entry').values({
        tool: 'dicom', path: 'sessionRules', project_id: 'P2', contents: '(0008,0050):(', status: 'enabled', reason: null,
        version: 99, created_at: new Date().toISOString(), created_by: 'admin',
      }).execute();
      assert.deepEqual((await rules.projectRules('P2')).session, []);
      assert.deepEqual(invalid.map((m) => m.replace(/: invalid regular expression.*/, '')), ['project P2 dicom/sessionRules: Routing rule line 1']);
    });
  });
}
