import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testDialects } from '../support/dialects.js';
import { buildTestApp, type TestApp } from '../support/test-app.js';
import { addMember, makeProject } from '../support/builders.js';
import type { ApiClient } from '../support/api-client.js';

for (const dialect of testDialects()) {
  describe(`projects (${dialect})`, () => {
    let t: TestApp;
    let owner: ApiClient;
    let member: ApiClient;
    let stranger: ApiClient;
    before(async () => {
      t = await buildTestApp(dialect);
      owner = await t.user('olivia');
      member = await t.user('mike');
      stranger = await t.user('sam');
    });
    after(() => t.close());

    it('creates a project with PUT and lists it with XNAT columns, all values strings', async () => {
      const res = await owner.put('/data/projects/ALPHA', { query: { name: 'Alpha_Study', secondary_ID: 'ALPHA_S', description: 'First', pi_lastname: 'Curie' } });
      assert.equal(res.status, 200);
      assert.equal(res.text, '');
      const list = await owner.get('/data/projects?format=json');
      assert.equal(list.status, 200);
      const body = list.json();
      assert.equal(body.ResultSet.totalRecords, '1');
      assert.deepEqual(body.ResultSet.Result[0], {
        ID: 'ALPHA', secondary_ID: 'ALPHA_S', name: 'Alpha_Study', description: 'First', pi_firstname: '', pi_lastname: 'Curie', URI: '/data/projects/ALPHA',
      });
    });

    it('serves CSV with the same columns as JSON (pyxnat reads CSV)', async () => {
      const res = await owner.get('/data/projects?format=csv&columns=ID,name');
      assert.equal(res.status, 200);
      assert.match(String(res.headers['content-type']), /text\/csv/);
      assert.deepEqual(res.text.trim().split('\n'), ['ID,name,URI', 'ALPHA,Alpha_Study,/data/projects/ALPHA']);
    });

    it('serves XML and HTML listings', async () => {
      const xml = await owner.get('/data/projects?format=xml');
      assert.match(xml.text, /^<ResultSet totalRecords="1"><results><columns><column>ID<\/column>/);
      const html = await owner.get('/data/projects?format=html');
      assert.match(html.text, /<table class="x_rs_t">/);
    });

    it('returns the project as XML and JSON documents', async () => {
      const xml = await owner.get('/data/projects/ALPHA?format=xml');
      assert.equal(xml.status, 200);
      assert.match(xml.text, /<xnat:Project ID="ALPHA" secondary_ID="ALPHA_S"/);
      assert.match(xml.text, /<xnat:PI><xnat:lastname>Curie<\/xnat:lastname><\/xnat:PI>/);
      const json = (await owner.get('/data/projects/ALPHA?format=json')).json();
      assert.equal(json.items[0].meta['xsi:type'], 'xnat:projectData');
      assert.equal(json.items[0].data_fields.name, 'Alpha_Study');
      // The PI is an investigatorData item of its own: a child in XNAT's JSON (xnatpy reads project.pi there).
      const pi = json.items[0].children.find((c: { field: string }) => c.field === 'PI');
      assert.equal(pi.items[0].meta['xsi:type'], 'xnat:investigatorData');
      assert.equal(pi.items[0].data_fields.lastname, 'Curie');
    });

    it('creates with POST and answers with the absolute URL', async () => {
      const res = await owner.post('/data/projects', { query: { ID: 'BETA', name: 'Beta' } });
      assert.equal(res.status, 200);
      assert.match(res.text, /^http:\/\/.+\/data\/projects\/BETA$/);
      assert.equal(res.headers.location, res.text);
      const again = await owner.post('/data/projects', { query: { ID: 'BETA' } });
      assert.equal(again.status, 409);
      assert.match(again.text, /already exists/);
    });

    it('creates from an XML document body', async () => {
      const doc = '<?xml version="1.0"?><xnat:Project ID="GAMMA" secondary_ID="G" xmlns:xnat="http://nrg.wustl.edu/xnat"><xnat:name>Gamma Study</xnat:name><xnat:PI><xnat:firstname>Ada</xnat:firstname></xnat:PI></xnat:Project>';
      const res = await owner.put('/data/projects/GAMMA', { body: doc, headers: { 'content-type': 'text/xml' } });
      assert.equal(res.status, 200, res.text);
      const row = (await owner.get('/data/projects?format=json')).rows().find((r) => r.ID === 'GAMMA');
      assert.equal(row?.name, 'Gamma Study');
      assert.equal(row?.pi_firstname, 'Ada');
    });

    it('refuses bad project IDs, duplicate titles and mismatched documents', async () => {
      assert.equal((await owner.put('/data/projects/bad%20id')).status, 400);
      assert.match((await owner.put('/data/projects/bad.id')).text, /Invalid character in project ID/);
      assert.equal((await owner.put(`/data/projects/${'x'.repeat(65)}`)).status, 400);
      const dup = await owner.put('/data/projects/DELTA', { query: { name: 'Alpha_Study' } });
      assert.equal(dup.status, 409);
      assert.match(dup.text, /already used by project ALPHA/);
      const mismatch = await owner.put('/data/projects/EPS', { body: '<xnat:Project ID="OTHER" xmlns:xnat="http://nrg.wustl.edu/xnat"/>', headers: { 'content-type': 'text/xml' } });
      assert.equal(mismatch.status, 400);
      const alphaCase = await owner.put('/data/projects/alpha');
      assert.equal(alphaCase.status, 409, 'IDs differing only in case are refused');
    });

    it('keeps private projects invisible (404) to non-members and lists only visible ones', async () => {
      assert.equal((await stranger.get('/data/projects/ALPHA')).status, 404);
      assert.equal((await stranger.get('/data/projects/ALPHA/subjects')).status, 404);
      assert.equal((await stranger.put('/data/projects/ALPHA', { query: { name: 'x' } })).status, 404);
      assert.deepEqual((await stranger.get('/data/projects?format=json')).rows(), []);
    });

    it('requires credentials (401) and rejects wrong passwords', async () => {
      const res = await t.anonymous.get('/data/projects');
      assert.equal(res.status, 401);
      assert.match(String(res.headers['www-authenticate']), /Basic/);
      assert.equal(res.text, 'The request requires user authentication');
      const wrong = await t.app.http.inject({ method: 'GET', url: '/data/projects', headers: { authorization: `Basic ${Buffer.from('olivia:nope').toString('base64')}` } });
      assert.equal(wrong.statusCode, 401);
    });

    it('applies protected and public accessibility', async () => {
      assert.equal((await owner.put('/data/projects/ALPHA/accessibility/protected')).text, 'protected');
      assert.equal((await stranger.get('/data/projects/ALPHA/accessibility')).text, 'protected');
      assert.equal((await stranger.get('/data/projects/ALPHA?format=json')).status, 200, 'protected projects are visible');
      assert.equal((await stranger.get('/data/projects/ALPHA/subjects')).status, 403, 'but their data is not readable');
      assert.deepEqual((await stranger.get('/data/projects?format=json')).rows().map((r) => r.ID), ['ALPHA']);
      await owner.put('/data/projects/ALPHA/accessibility/public');
      assert.equal((await stranger.get('/data/projects/ALPHA/subjects')).status, 200);
      assert.equal((await stranger.put('/data/projects/ALPHA/subjects/S1')).status, 403, 'public read is not write');
      assert.equal((await stranger.put('/data/projects/ALPHA/accessibility/private')).status, 403);
      assert.equal((await owner.put('/data/projects/ALPHA/accessibility/secret')).status, 400);
      await owner.put('/data/projects/ALPHA/accessibility/private');
    });

    it('manages members: members write, collaborators read, only owners manage', async () => {
      await addMember(owner, 'ALPHA', 'member', 'mike');
      await addMember(owner, 'ALPHA', 'collaborator', 'sam');
      const users = (await owner.get('/data/projects/ALPHA/users?format=json')).rows();
      assert.deepEqual(users.map((u) => [u.login, u.GROUP_ID, u.displayname]).sort(), [['mike', 'ALPHA_member', 'Members'], ['olivia', 'ALPHA_owner', 'Owners'], ['sam', 'ALPHA_collaborator', 'Collaborators']]);
      assert.equal((await member.put('/data/projects/ALPHA/subjects/M1')).status, 201);
      assert.equal((await stranger.get('/data/projects/ALPHA/subjects?format=json')).status, 200);
      assert.equal((await stranger.put('/data/projects/ALPHA/subjects/C1')).status, 403);
      assert.equal((await member.put('/data/projects/ALPHA/users/owner/sam')).status, 403, 'members cannot manage users');
      assert.equal((await member.delete('/data/projects/ALPHA')).status, 403);
      assert.equal((await owner.put('/data/projects/ALPHA/users/admins/sam')).status, 404, 'unknown group');
      assert.equal((await owner.put('/data/projects/ALPHA/users/member/nobody')).status, 404, 'unknown user');
      assert.equal((await owner.delete('/data/projects/ALPHA/users/owner/olivia')).status, 409, 'the last owner stays');
      assert.equal((await owner.delete('/data/projects/ALPHA/users/collaborator/sam')).status, 200);
      assert.equal((await stranger.get('/data/projects/ALPHA/subjects')).status, 404);
    });

    it('lists projects by permission the way the Desktop Client asks', async () => {
      const rows = (await member.get('/data/projects?permissions=edit&dataType=xnat:subjectData')).rows();
      assert.deepEqual(rows, [{ id: 'ALPHA', secondary_id: 'ALPHA_S' }]);
    });

    it('reads and sets the prearchive code', async () => {
      assert.equal((await owner.get('/data/projects/ALPHA/prearchive_code')).text, '0');
      assert.equal((await owner.put('/data/projects/ALPHA/prearchive_code/4')).text, '4');
      assert.equal((await owner.put('/data/projects/ALPHA/prearchive_code/7')).status, 400);
      assert.equal((await member.put('/data/projects/ALPHA/prearchive_code/5')).status, 403);
      assert.equal((await owner.get('/data/projects/ALPHA/prearchive_code')).text, '4');
    });

    it('deletes a project with its data and files, through the owner only', async () => {
      await makeProject(owner, 'TEMP');
      await owner.put('/data/projects/TEMP/subjects/S1');
      await owner.put('/data/projects/TEMP/subjects/S1/experiments/E1', { query: { xsiType: 'xnat:mrSessionData' } });
      const up = await owner.upload('/data/projects/TEMP/subjects/S1/experiments/E1/resources/NOTES/files/a.txt', 'hello');
      assert.equal(up.status, 200, up.text);
      assert.equal((await owner.delete('/data/projects/TEMP?removeFiles=true')).status, 200);
      assert.equal((await owner.get('/data/projects/TEMP')).status, 404);
      assert.equal((await t.admin.get('/data/experiments?format=json')).rows().filter((r) => r.project === 'TEMP').length, 0);
    });

    it('answers /REST and /data/archive like /data', async () => {
      assert.equal((await owner.get('/REST/projects/ALPHA?format=json')).status, 200);
      assert.equal((await owner.get('/data/archive/projects/ALPHA?format=json')).status, 200);
    });
  });
}
