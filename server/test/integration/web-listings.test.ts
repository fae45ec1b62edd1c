import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ApiClient } from '../support/api-client.js';
import { addMember, makeProject, makeScan, makeSession, makeSubject } from '../support/builders.js';
import { testDialects } from '../support/dialects.js';
import { buildTestApp, type TestApp } from '../support/test-app.js';

/** The listing columns, filters and settings the web UI relies on (all reachable by any client). */
for (const dialect of testDialects()) {
  describe(`listings for the web UI (${dialect})`, () => {
    let t: TestApp;
    let owner: ApiClient;
    let member: ApiClient;
    let outsider: ApiClient;
    before(async () => {
      t = await buildTestApp(dialect);
      owner = await t.user('olga');
      member = await t.user('mark');
      outsider = await t.user('otto');
      await makeProject(owner, 'P1', { name: 'First', alias: 'FIRST' });
      await makeProject(owner, 'P2', { name: 'Second' });
      await addMember(owner, 'P1', 'member', 'mark');
      await makeSubject(owner, 'P1', 'S1', { gender: 'female', yob: '1970' });
      await makeSubject(owner, 'P1', 'S2');
      await makeSession(owner, 'P1', 'S1', 'S1_MR1');
      await makeSession(owner, 'P1', 'S1', 'S1_MR2');
      await makeScan(owner, 'P1', 'S1', 'S1_MR1', '1', { type: 'T1w' });
      assert.equal((await owner.put('/data/projects/P1/experiments/S1_MR1/assessors/S1_QC?xsiType=xnat:qcAssessmentData')).status, 201);
      // S1 and its first session shared into P2 under other labels.
      assert.equal((await owner.put('/data/projects/P1/subjects/S1/projects/P2?label=P2_S1')).status, 200);
      assert.equal((await owner.put('/data/projects/P1/subjects/S1/experiments/S1_MR1/projects/P2?label=P2_S1_MR1')).status, 200);
      await makeSession(owner, 'P2', 'P2_S1', 'P2_OWN');
    });
    after(() => t.close());

    it('filters the project listing by ID or alias, with the columns the pages need', async () => {
      const rows = (await owner.get('/data/projects?format=json&ID=FIRST&columns=ID,user_role,prearchive_code,allow_subject_creation,subject_count,experiment_count')).rows();
      assert.deepEqual(rows, [{ ID: 'P1', user_role: 'owner', prearchive_code: '0', allow_subject_creation: 'true', subject_count: '2', experiment_count: '2', URI: '/data/projects/P1' }]);
      assert.deepEqual((await owner.get('/data/projects?format=json&ID=P1,P2,NOPE&columns=ID')).rows().map((r) => r.ID), ['P1', 'P2']);
      assert.deepEqual((await outsider.get('/data/projects?format=json&ID=P1')).rows(), [], 'a private project stays hidden');
    });

    it('counts sessions, not image assessors, per project (owned and shared in)', async () => {
      const rows = (await owner.get('/data/projects?format=json&columns=ID,subject_count,experiment_count')).rows();
      assert.deepEqual(rows.map((r) => [r.ID, r.subject_count, r.experiment_count]), [['P1', '2', '2'], ['P2', '1', '2']]);
    });

    it('gives the session count of each subject as the project sees it', async () => {
      const p1 = (await member.get('/data/projects/P1/subjects?format=json&columns=label,experiment_count')).rows();
      assert.deepEqual(p1.map((r) => [r.label, r.experiment_count]), [['S1', '2'], ['S2', '0']]);
      const p2 = (await owner.get('/data/projects/P2/subjects?format=json&columns=label,shared,experiment_count&limit=10&offset=0')).rows();
      assert.deepEqual(p2.map((r) => [r.label, r.shared, r.experiment_count]), [['P2_S1', '1', '2']]);
      assert.equal((await owner.get('/data/projects/P1/subjects?format=json')).rows()[0]?.experiment_count, undefined, 'not a default column');
    });

    it('filters a project listing by the label in that project, not the owner label', async () => {
      assert.deepEqual((await owner.get('/data/projects/P2/subjects?format=json&label=P2_*')).rows().map((r) => r.label), ['P2_S1']);
      assert.deepEqual((await owner.get('/data/projects/P2/subjects?format=json&label=S1')).rows(), []);
      assert.deepEqual((await owner.get('/data/projects/P2/experiments?format=json&label=P2_S1_*')).rows().map((r) => r.label), ['P2_S1_MR1']);
      assert.deepEqual((await owner.get('/data/projects/P1/subjects?format=json&label=S1,S2')).rows().map((r) => r.label), ['S1', 'S2']);
    });

    it('reads and sets whether uploads may create subjects; owners only', async () => {
      assert.equal((await member.get('/data/projects/P1/allow_subject_creation')).text, 'true');
      const refused = await member.put('/data/projects/P1/allow_subject_creation/false');
      assert.equal(refused.status, 403);
      assert.match(refused.text, /owner rights in project P1/);
      const bad = await owner.put('/data/projects/P1/allow_subject_creation/maybe');
      assert.equal(bad.status, 400);
      assert.match(bad.text, /Invalid allow_subject_creation 'maybe': use true or false/);
      assert.equal((await owner.put('/data/projects/P1/allow_subject_creation/false')).text, 'false');
      assert.equal((await owner.get('/data/projects/P1/allow_subject_creation')).text, 'false');
      assert.equal((await owner.get('/data/projects?format=json&ID=P1&columns=ID,allow_subject_creation')).rows()[0]?.allow_subject_creation, 'false');
    });

    it('nests demographics as a child item in the subject JSON, as XNAT does', async () => {
      const item = (await owner.get('/data/projects/P1/subjects/S1?format=json')).json().items[0];
      assert.deepEqual(item.data_fields, { ID: item.data_fields.ID, project: 'P1', label: 'S1' });
      assert.deepEqual(item.children.find((c: { field: string }) => c.field === 'demographics'), {
        field: 'demographics', items: [{ meta: { 'xsi:type': 'xnat:demographicData', isHistory: false }, data_fields: { yob: '1970', gender: 'female' }, children: [] }],
      });
      const xml = (await owner.get('/data/projects/P1/subjects/S1?format=xml')).text;
      assert.match(xml, /<xnat:demographics xsi:type="xnat:demographicData"><xnat:yob>1970<\/xnat:yob><xnat:gender>female<\/xnat:gender><\/xnat:demographics>/);
    });

    it('names the session an upload went to in the activity feed', async () => {
      await owner.upload('/data/projects/P1/experiments/S1_MR1/scans/1/resources/DICOM/files/1.dcm', Buffer.from('x'));
      const events = (await owner.get('/xapi/activity?limit=5')).json().events as { action: string; details: Record<string, unknown> }[];
      const upload = events.find((e) => e.action === 'upload');
      const session = (await owner.get('/data/projects/P1/experiments/S1_MR1?format=json')).json().items[0].data_fields.ID;
      assert.equal(upload?.details.experimentId, session);
    });
  });
}
