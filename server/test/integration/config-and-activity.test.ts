import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testDialects } from '../support/dialects.js';
import { buildTestApp, type TestApp } from '../support/test-app.js';
import { addMember, makeProject, makeSubject } from '../support/builders.js';
import type { ApiClient } from '../support/api-client.js';

for (const dialect of testDialects()) {
  describe(`configuration documents (${dialect})`, () => {
    let t: TestApp;
    let owner: ApiClient;
    let member: ApiClient;
    before(async () => {
      t = await buildTestApp(dialect);
      owner = await t.user('omar');
      member = await t.user('mia');
      await makeProject(owner, 'P1');
      await addMember(owner, 'P1', 'member', 'mia');
    });
    after(() => t.close());

    it('stores versioned site documents (admins only) and serves their contents', async () => {
      const script = '(0010,0010) := "ANON"\n';
      assert.equal((await owner.put('/data/config/anon/script', { body: script, headers: { 'content-type': 'text/plain' } })).status, 403);
      assert.equal((await t.admin.put('/data/config/anon/script?inbody=true', { body: script, headers: { 'content-type': 'text/plain' } })).status, 201);
      assert.equal((await t.admin.put('/data/config/anon/script', { body: script + '-(0010,1000)\n', headers: { 'content-type': 'text/plain' } })).status, 200);
      assert.equal((await owner.get('/data/config/anon/script?contents=true')).text, script + '-(0010,1000)\n');
      const rows = (await owner.get('/data/config/anon/script?format=json')).rows();
      assert.deepEqual([rows[0]?.version, rows[0]?.status, rows[0]?.user], ['2', 'enabled', 'admin']);
      assert.equal((await t.admin.put('/data/config/anon/script?status=disabled')).status, 200);
      assert.equal((await owner.get('/data/config/anon/script?format=json')).rows()[0]?.status, 'disabled');
      assert.equal((await owner.get('/data/config/nothing/here')).status, 404);
      assert.equal((await owner.get('/data/config/nothing/here?accept-not-found=true')).status, 204);
      assert.equal((await t.admin.put('/data/config/anon/script?status=maybe')).status, 400);
    });

    it('stores project documents for owners; the project anon script answers at both XNAT paths', async () => {
      const script = '-(0010,0030)\n';
      assert.equal((await member.put('/data/projects/P1/config/anon', { body: script, headers: { 'content-type': 'text/plain' } })).status, 403);
      assert.equal((await owner.put('/data/projects/P1/config/anon', { body: script, headers: { 'content-type': 'text/plain' } })).status, 201);
      assert.equal((await member.get('/data/projects/P1/config/anon/projects/P1?contents=true')).text, script);
      assert.equal((await member.get('/data/projects/P1/config/anon?contents=true')).text, script);
      const json = await owner.put('/data/projects/P1/config/tracers/list', { body: JSON.stringify({ contents: 'FDG\nPIB' }), headers: { 'content-type': 'application/json' } });
      assert.equal(json.status, 201);
      assert.equal((await member.get('/data/projects/P1/config/tracers/list?contents=true')).text, 'FDG\nPIB');
      assert.equal((await member.get('/data/projects/P1/config/dicom/projectRules?defaultToSiteWide=true')).status, 404);
    });
  });

  describe(`audit trail and activity feed (${dialect})`, () => {
    let t: TestApp;
    let owner: ApiClient;
    let outsider: ApiClient;
    before(async () => {
      t = await buildTestApp(dialect);
      owner = await t.user('ora');
      outsider = await t.user('ned');
      await makeProject(owner, 'A1');
      await makeProject(outsider, 'B1');
      await makeSubject(owner, 'A1', 'S1');
      await owner.put('/data/projects/A1/subjects/S1', { query: { gender: 'male', event_reason: 'corrected from intake form' } });
      await owner.upload('/data/projects/A1/subjects/S1/resources/NOTES/files/n.txt', 'n');
      await owner.delete('/data/projects/A1/subjects/S1/resources/NOTES/files/n.txt', { query: { event_reason: 'wrong subject' } });
    });
    after(() => t.close());

    it('records who, when, what and why for every change, newest first', async () => {
      const events = (await owner.get('/xapi/activity')).json().events as { actor: string; action: string; entityType: string; label: string; reason: string | null; at: string; projectId: string }[];
      const summary = events.map((e) => `${e.action} ${e.entityType} ${e.label ?? ''}`.trim());
      assert.deepEqual(summary, ['delete-files resource NOTES', 'upload resource NOTES', 'create resource NOTES', 'update subject S1', 'create subject S1', 'create project A1']);
      assert.ok(events.every((e) => e.actor === 'ora' && e.projectId === 'A1' && /^\d{4}-\d{2}-\d{2}T/.test(e.at)));
      assert.equal(events[0]?.reason, 'wrong subject');
      assert.equal(events[3]?.reason, 'corrected from intake form');
    });

    it('shows each user only events in projects they can read', async () => {
      const theirs = (await outsider.get('/xapi/activity')).json().events as { projectId: string }[];
      assert.deepEqual([...new Set(theirs.map((e) => e.projectId))], ['B1']);
      assert.equal((await outsider.get('/xapi/activity?project=A1')).status, 404);
      const all = (await t.admin.get('/xapi/activity?limit=100')).json().events as { projectId: string | null; action: string }[];
      assert.deepEqual([...new Set(all.map((e) => e.projectId))].sort(), ['A1', 'B1', null], 'site admins also see site-level events');
      assert.ok(all.some((e) => e.projectId === null && e.action === 'create-user'));
      const page = (await owner.get('/xapi/activity?limit=2')).json().events as { id: number }[];
      const next = (await owner.get(`/xapi/activity?limit=2&before=${page[1]!.id}`)).json().events as { id: number }[];
      assert.ok(next[0]!.id < page[1]!.id);
      assert.equal((await owner.get('/xapi/activity?limit=zero')).status, 400);
    });
  });
}
