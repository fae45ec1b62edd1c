import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testDialects } from '../support/dialects.js';
import { buildTestApp, type TestApp } from '../support/test-app.js';
import { addMember, makeProject, makeSession } from '../support/builders.js';
import type { ApiClient } from '../support/api-client.js';

for (const dialect of testDialects()) {
  describe(`subjects (${dialect})`, () => {
    let t: TestApp;
    let owner: ApiClient;
    let member: ApiClient;
    let collaborator: ApiClient;
    before(async () => {
      t = await buildTestApp(dialect);
      owner = await t.user('olga');
      member = await t.user('max');
      collaborator = await t.user('cole');
      await makeProject(owner, 'P1');
      await makeProject(owner, 'P2');
      await addMember(owner, 'P1', 'member', 'max');
      await addMember(owner, 'P1', 'collaborator', 'cole');
    });
    after(() => t.close());

    it('creates with PUT: 201 and the accession ID as plain text; again: 200 and the same ID', async () => {
      const first = await member.put('/data/projects/P1/subjects/S01', { query: { gender: 'F', yob: '1980', 'xnat:subjectData/demographics[@xsi:type=xnat:demographicData]/handedness': 'left' } });
      assert.equal(first.status, 201);
      assert.match(first.text, /^XNAT_S\d{5}$/);
      assert.match(String(first.headers['content-type']), /text\/plain/);
      const again = await member.put('/data/projects/P1/subjects/S01', { query: { handedness: 'r' } });
      assert.equal(again.status, 200);
      assert.equal(again.text, first.text);
    });

    it('lists subjects with XNAT columns and field columns on request', async () => {
      const rows = (await owner.get('/data/projects/P1/subjects?format=json')).rows();
      assert.equal(rows.length, 1);
      const row = rows[0]!;
      assert.deepEqual(Object.keys(row).sort(), ['ID', 'URI', 'insert_date', 'insert_user', 'label', 'project'].sort());
      assert.equal(row.project, 'P1');
      assert.equal(row.label, 'S01');
      assert.equal(row.insert_user, 'max');
      assert.equal(row.URI, `/data/subjects/${row.ID}`);
      assert.match(row.insert_date!, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/);
      const demo = (await owner.get('/data/projects/P1/subjects?format=json&columns=label,gender,yob,handedness')).rows()[0];
      assert.deepEqual({ gender: demo?.gender, yob: demo?.yob, handedness: demo?.handedness }, { gender: 'female', yob: '1980', handedness: 'right' });
    });

    it('filters listings by field values and pages them', async () => {
      await owner.put('/data/projects/P1/subjects/S02', { query: { gender: 'male' } });
      await owner.put('/data/projects/P1/subjects/S03', { query: { gender: 'female' } });
      assert.deepEqual((await owner.get('/data/projects/P1/subjects?format=json&gender=female')).rows().map((r) => r.label), ['S01', 'S03']);
      assert.deepEqual((await owner.get('/data/projects/P1/subjects?format=json&label=S0*')).rows().length, 3);
      const page = (await owner.get('/data/projects/P1/subjects?format=json&limit=2&offset=1')).json();
      assert.deepEqual(page.ResultSet.Result.map((r: { label: string }) => r.label), ['S02', 'S03']);
      assert.equal(page.ResultSet.totalRecords, undefined, 'no totalRecords on paged listings');
      const sorted = (await owner.get('/data/projects/P1/subjects?format=json&sortBy=label&sortOrder=DESC')).rows();
      assert.deepEqual(sorted.map((r) => r.label), ['S03', 'S02', 'S01']);
    });

    it('finds subjects by label in the project, then by accession ID; site-wide by ID only', async () => {
      const id = (await owner.put('/data/projects/P1/subjects/S01')).text;
      assert.equal((await owner.get('/data/projects/P1/subjects/S01?format=json')).json().items[0].data_fields.ID, id);
      assert.equal((await owner.get(`/data/projects/P1/subjects/${id}?format=json`)).json().items[0].data_fields.label, 'S01');
      assert.equal((await owner.get(`/data/subjects/${id}?format=json`)).status, 200);
      const byLabel = await owner.get('/data/subjects/S01?format=json');
      assert.equal(byLabel.status, 404);
      assert.match(byLabel.text, /accession number/);
      assert.equal((await owner.get(`/data/projects/P2/subjects/${id}`)).status, 404, 'an ID from another project is not found through P2');
    });

    it('returns the subject document as XML and JSON with demographics', async () => {
      const xml = (await owner.get('/data/projects/P1/subjects/S01?format=xml')).text;
      assert.match(xml, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<xnat:Subject ID="XNAT_S\d+" project="P1" label="S01"/);
      assert.match(xml, /<xnat:demographics xsi:type="xnat:demographicData"><xnat:yob>1980<\/xnat:yob><xnat:gender>female<\/xnat:gender><xnat:handedness>right<\/xnat:handedness><\/xnat:demographics>/);
      const json = (await owner.get('/data/projects/P1/subjects/S01?format=json')).json();
      assert.equal(json.items[0].meta['xsi:type'], 'xnat:subjectData');
      const demographics = json.items[0].children.find((c: { field: string }) => c.field === 'demographics');
      assert.equal(demographics.items[0].data_fields.gender, 'female');
    });

    it('renames with ?label= and refuses a label already in use', async () => {
      assert.equal((await owner.put('/data/projects/P1/subjects/S03', { query: { label: 'S03b' } })).status, 200);
      assert.equal((await owner.get('/data/projects/P1/subjects/S03b')).status, 200);
      const dup = await owner.put('/data/projects/P1/subjects/S03b', { query: { label: 'S01' } });
      assert.equal(dup.status, 409);
      assert.match(dup.text, /S01.*already used/);
    });

    it('refuses bad labels, bad values and unknown fields with 400, storing nothing', async () => {
      for (const bad of ['a%20b', 'a.b', 'caf%C3%A9', 'x'.repeat(256)]) {
        const res = await owner.put(`/data/projects/P1/subjects/${bad}`);
        assert.equal(res.status, 400, `label ${bad}`);
      }
      assert.match((await owner.put('/data/projects/P1/subjects/S09', { query: { gender: 'sometimes' } })).text, /Invalid value 'sometimes' for gender/);
      assert.match((await owner.put('/data/projects/P1/subjects/S09', { query: { dob: '2024-02-30' } })).text, /expected a date/);
      assert.match((await owner.put('/data/projects/P1/subjects/S09', { query: { 'xnat:subjectData/favourite_colour': 'blue' } })).text, /Unknown field/);
      assert.equal((await owner.get('/data/projects/P1/subjects/S09')).status, 404);
    });

    it('enforces rights: collaborators read only; unknown projects are 404', async () => {
      assert.equal((await collaborator.get('/data/projects/P1/subjects?format=json')).status, 200);
      assert.equal((await collaborator.put('/data/projects/P1/subjects/C1')).status, 403);
      assert.equal((await collaborator.put('/data/projects/P1/subjects/S01', { query: { gender: 'male' } })).status, 403);
      assert.equal((await collaborator.delete('/data/projects/P1/subjects/S01')).status, 403);
      assert.equal((await member.delete('/data/projects/P1/subjects/S01')).status, 403, 'members cannot delete');
      assert.equal((await owner.put('/data/projects/NOPE/subjects/S1')).status, 404);
      assert.equal((await member.get('/data/projects/P2/subjects/S01')).status, 404, 'private project of someone else');
    });

    it('creates a subject by POST to the list; a duplicate is 409', async () => {
      const res = await owner.post('/data/projects/P1/subjects', { query: { label: 'S10' } });
      assert.equal(res.status, 200);
      assert.match(res.text, /\/data\/subjects\/XNAT_S\d+$/);
      assert.equal((await owner.post('/data/projects/P1/subjects', { query: { label: 'S10' } })).status, 409);
    });

    it('lists all readable subjects site-wide', async () => {
      const other = await t.user('otto');
      await makeProject(other, 'P3');
      await other.put('/data/projects/P3/subjects/X1');
      const mine = (await owner.get('/data/subjects?format=json')).rows().map((r) => r.label);
      assert.ok(mine.includes('S01') && !mine.includes('X1'));
      const all = (await t.admin.get('/data/subjects?format=json')).rows().map((r) => r.label);
      assert.ok(all.includes('X1'));
    });

    it('deletes a subject with its experiments; an unknown subject is 404', async () => {
      await makeSession(owner, 'P1', 'S02', 'S02_MR1');
      assert.equal((await owner.delete('/data/projects/P1/subjects/S02?removeFiles=true')).status, 200);
      assert.equal((await owner.get('/data/projects/P1/subjects/S02')).status, 404);
      assert.equal((await owner.get('/data/projects/P1/experiments/S02_MR1')).status, 404);
      assert.equal((await owner.delete('/data/projects/P1/subjects/S02')).status, 404);
    });

    it('never reuses accession IDs after deletes', async () => {
      const a = (await owner.put('/data/projects/P1/subjects/R1')).text;
      await owner.delete('/data/projects/P1/subjects/R1');
      const b = (await owner.put('/data/projects/P1/subjects/R1')).text;
      assert.notEqual(a, b);
      assert.ok(Number(b.slice(-5)) > Number(a.slice(-5)));
    });
  });
}
