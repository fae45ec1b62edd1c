import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testDialects } from '../support/dialects.js';
import { ADMIN, buildTestApp, type TestApp } from '../support/test-app.js';
import { makeProject } from '../support/builders.js';

const basic = (login: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${login}:${password}`).toString('base64')}` });
const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36';

function cookieOf(setCookie: string | string[] | undefined, name: string): string | undefined {
  const all = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  for (const c of all) {
    const m = new RegExp(`^${name}=([^;]*)`).exec(c);
    if (m) return m[1];
  }
  return undefined;
}

for (const dialect of testDialects()) {
  describe(`authentication and users (${dialect})`, () => {
    let t: TestApp;
    const inject = (method: string, url: string, headers: Record<string, string> = {}, payload?: string) =>
      t.app.http.inject({ method: method as 'GET', url, headers, payload });
    before(async () => {
      t = await buildTestApp(dialect);
      await t.user('uma');
    });
    after(() => t.close());

    it('starts a session with /data/JSESSION and basic auth, then works with the cookie alone', async () => {
      const res = await inject('GET', '/data/JSESSION', basic('uma', 'uma-password-1'));
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /^[0-9A-F]{32}$/);
      const cookie = cookieOf(res.headers['set-cookie'], 'JSESSIONID');
      assert.equal(cookie, res.body);
      assert.match(String(cookieOf(res.headers['set-cookie'], 'SESSION_EXPIRATION_TIME')), /^"\d+,3600000"$/);
      const auth = await inject('GET', '/data/auth', { cookie: `JSESSIONID=${cookie}` });
      assert.equal(auth.statusCode, 200);
      assert.equal(auth.body, "User 'uma' is logged in");
      const csrf = await inject('GET', '/data/JSESSION?CSRF=true', { cookie: `JSESSIONID=${cookie}` });
      assert.match(csrf.body, new RegExp(`^${cookie}; XNAT_CSRF=[0-9a-f-]{36}$`));
      const out = await inject('DELETE', '/data/JSESSION', { cookie: `JSESSIONID=${cookie}` });
      assert.equal(out.statusCode, 200);
      assert.equal((await inject('GET', '/data/auth', { cookie: `JSESSIONID=${cookie}` })).statusCode, 401);
    });

    it('logs in with PUT /data/services/auth like xnatpy; wrong passwords get 401', async () => {
      const ok = await inject('PUT', '/data/services/auth', { 'content-type': 'application/x-www-form-urlencoded' }, 'username=uma&password=uma-password-1');
      assert.equal(ok.statusCode, 200);
      assert.equal(cookieOf(ok.headers['set-cookie'], 'JSESSIONID'), ok.body);
      const bad = await inject('PUT', '/data/services/auth', { 'content-type': 'application/x-www-form-urlencoded' }, 'username=uma&password=nope');
      assert.equal(bad.statusCode, 401);
      assert.equal(bad.body, 'Authentication failed.');
      const none = await inject('PUT', '/data/services/auth', { 'content-type': 'application/x-www-form-urlencoded' }, 'username=uma');
      assert.equal(none.statusCode, 400);
    });

    it('requires the CSRF token for browser writes made with a session cookie, not for scripts', async () => {
      const login = await inject('POST', '/data/services/auth', { 'content-type': 'application/x-www-form-urlencoded' }, 'username=uma&password=uma-password-1');
      const cookie = `JSESSIONID=${login.body}`;
      const token = (await inject('GET', '/data/JSESSION?CSRF=true', { cookie })).body.split('XNAT_CSRF=')[1]!;
      const refused = await inject('PUT', '/data/projects/CSRF1', { cookie, 'user-agent': BROWSER });
      assert.equal(refused.statusCode, 403);
      assert.match(refused.body, /CSRF/);
      assert.equal((await inject('PUT', '/data/projects/CSRF1', { cookie, 'user-agent': BROWSER, 'x-csrf-token': token })).statusCode, 200);
      assert.equal((await inject('PUT', `/data/projects/CSRF2?XNAT_CSRF=${token}`, { cookie, 'user-agent': BROWSER })).statusCode, 200);
      assert.equal((await inject('PUT', '/data/projects/CSRF3', { cookie, 'user-agent': 'python-requests/2.28.1' })).statusCode, 200);
      assert.equal((await inject('GET', '/data/projects', { cookie, 'user-agent': BROWSER })).statusCode, 200, 'reads need no token');
    });

    it('serves GET / with the csrfToken line and a session cookie for basic-auth callers (Desktop Client)', async () => {
      const res = await inject('GET', '/', basic('uma', 'uma-password-1'));
      assert.equal(res.statusCode, 200);
      const token = /var csrfToken = '([^']+)';/.exec(res.body)?.[1];
      assert.ok(token);
      const cookie = cookieOf(res.headers['set-cookie'], 'JSESSIONID');
      assert.ok(cookie);
      assert.equal((await inject('PUT', '/data/projects/CSRF4', { cookie: `JSESSIONID=${cookie}`, 'user-agent': BROWSER, 'x-csrf-token': token })).statusCode, 200);
    });

    it('issues alias tokens usable as basic-auth credentials, validates and invalidates them', async () => {
      const issued = await inject('GET', '/data/services/tokens/issue', basic('uma', 'uma-password-1'));
      assert.equal(issued.statusCode, 200);
      const token = issued.json() as { alias: string; secret: string; xdatUserId: string; estimatedExpirationTime: number };
      assert.match(token.alias, /^[0-9a-f-]{36}$/);
      assert.match(token.secret, /^[A-Za-z0-9]{64}$/);
      assert.equal(token.xdatUserId, 'uma');
      assert.ok(token.estimatedExpirationTime > Date.now());
      assert.equal((await inject('GET', '/data/projects', basic(token.alias, token.secret))).statusCode, 200);
      assert.deepEqual((await inject('GET', `/data/services/tokens/validate/${token.alias}/${token.secret}`, basic('uma', 'uma-password-1'))).json(), { valid: 'uma' });
      assert.deepEqual((await inject('GET', `/data/services/tokens/validate/${token.alias}/wrong`, basic('uma', 'uma-password-1'))).json(), { valid: null });
      const shown = (await inject('GET', '/data/services/tokens/show', basic('uma', 'uma-password-1'))).json() as { alias: string; secret?: string }[];
      assert.ok(shown.some((s) => s.alias === token.alias && s.secret === undefined), 'secrets are never shown again');
      assert.equal((await inject('GET', '/data/services/tokens/issue/user/admin', basic('uma', 'uma-password-1'))).statusCode, 403);
      assert.equal((await inject('GET', '/data/services/tokens/issue/user/uma', basic(ADMIN.login, ADMIN.password))).statusCode, 200);
      assert.deepEqual((await inject('GET', `/data/services/tokens/invalidate/${token.alias}`, basic('uma', 'uma-password-1'))).json(), { result: 'OK' });
      assert.equal((await inject('GET', '/data/projects', basic(token.alias, token.secret))).statusCode, 401);
    });

    it('lets only site admins manage users through /xapi/users', async () => {
      const create = await t.admin.post('/xapi/users', { body: JSON.stringify({ username: 'vera', password: 'vera-password-1', email: 'vera@example.org', firstName: 'Vera', lastName: 'V', enabled: true, verified: true }), headers: { 'content-type': 'application/json' } });
      assert.equal(create.status, 201, create.text);
      assert.equal(create.json().username, 'vera');
      assert.equal(create.json().password, undefined);
      const dup = await t.admin.post('/xapi/users', { body: JSON.stringify({ username: 'vera', password: 'vera-password-1' }), headers: { 'content-type': 'application/json' } });
      assert.equal(dup.status, 409);
      assert.equal(dup.json().error.code, 'conflict');
      const weak = await t.admin.post('/xapi/users', { body: JSON.stringify({ username: 'wes', password: 'short' }), headers: { 'content-type': 'application/json' } });
      assert.equal(weak.status, 400);
      assert.match(weak.json().error.message, /at least 8/);
      const badName = await t.admin.post('/xapi/users', { body: JSON.stringify({ username: 'guest', password: 'long-enough-1' }), headers: { 'content-type': 'application/json' } });
      assert.equal(badName.status, 400);
      assert.ok(((await t.admin.get('/xapi/users')).json() as string[]).includes('vera'));
      const uma = { authorization: basic('uma', 'uma-password-1').authorization };
      assert.equal((await inject('GET', '/xapi/users', uma)).statusCode, 403);
      assert.equal((await inject('POST', '/xapi/users', { ...uma, 'content-type': 'application/json' }, JSON.stringify({ username: 'x1', password: 'long-enough-1' }))).statusCode, 403);
      assert.equal((await t.anonymous.get('/xapi/users')).status, 401);
    });

    it('disables, re-enables and resets the password of a user', async () => {
      assert.equal((await inject('GET', '/data/projects', basic('vera', 'vera-password-1'))).statusCode, 200);
      assert.equal((await t.admin.put('/xapi/users/vera/enabled/false')).status, 200);
      assert.equal((await inject('GET', '/data/projects', basic('vera', 'vera-password-1'))).statusCode, 401);
      await t.admin.put('/xapi/users/vera/enabled/true');
      const reset = await t.admin.put('/xapi/users/vera', { body: JSON.stringify({ password: 'vera-password-2' }), headers: { 'content-type': 'application/json' } });
      assert.equal(reset.status, 200);
      assert.equal((await inject('GET', '/data/projects', basic('vera', 'vera-password-1'))).statusCode, 401);
      assert.equal((await inject('GET', '/data/projects', basic('vera', 'vera-password-2'))).statusCode, 200);
      assert.equal((await t.admin.put('/xapi/users/nobody', { body: '{}', headers: { 'content-type': 'application/json' } })).status, 404);
      assert.equal((await t.admin.put('/xapi/users/admin/enabled/false')).status, 400, 'admins cannot lock themselves out');
    });

    it('lists users for project owners (/data/users) and shows a user to admins (/data/user)', async () => {
      const rows = (await inject('GET', '/data/users?format=json', basic('uma', 'uma-password-1'))).json().ResultSet.Result as Record<string, string>[];
      assert.ok(rows.some((r) => r.login === 'vera' && r.firstname === 'Vera'));
      assert.equal((await inject('GET', '/data/user/vera?format=json', basic('uma', 'uma-password-1'))).statusCode, 403);
      assert.equal((await t.admin.get('/data/user/vera?format=json')).rows()[0]?.login, 'vera');
    });

    it('answers the open connect-time URLs without credentials', async () => {
      assert.equal((await t.anonymous.get('/xapi/siteConfig/buildInfo')).status, 200);
      assert.equal((await t.anonymous.get('/data/version')).status, 404);
      assert.equal((await t.anonymous.get('/')).status, 200);
      assert.equal((await t.anonymous.get('/data/JSESSION')).status, 401, 'no anonymous sessions when login is required');
    });
  });

  describe(`anonymous access when login is not required (${dialect})`, () => {
    let t: TestApp;
    before(async () => {
      t = await buildTestApp(dialect, { 'site.requireLogin': false });
      await makeProject(t.admin, 'OPEN', { accessibility: 'public' });
      await makeProject(t.admin, 'CLOSED');
      await t.admin.put('/data/projects/OPEN/subjects/S1');
    });
    after(() => t.close());

    it('lets guests read public projects only, and never write', async () => {
      assert.deepEqual((await t.anonymous.get('/data/projects?format=json')).rows().map((r) => r.ID), ['OPEN']);
      assert.equal((await t.anonymous.get('/data/projects/OPEN/subjects?format=json')).rows().length, 1);
      assert.equal((await t.anonymous.get('/data/projects/CLOSED')).status, 404);
      assert.equal((await t.anonymous.put('/data/projects/OPEN/subjects/S2')).status, 401);
      assert.equal((await t.anonymous.put('/data/projects/NEW')).status, 401);
    });
  });
}
