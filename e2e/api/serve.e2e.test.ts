import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { basicAuth, E2E_ADMIN, startServer, type RunningTestServer } from '../support/start-server.js';

describe('xnat-ts serve (spawned)', () => {
  let server: RunningTestServer;
  before(async () => {
    server = await startServer();
  });
  after(() => server.stop());

  it('prints its URL and how to log in', () => {
    assert.match(server.output(), /xnat-ts is running at http:\/\/127\.0\.0\.1:\d+/);
    assert.match(server.output(), /Log in as 'admin' with the password from XNAT_TS_ADMIN_PASSWORD/);
  });

  it('answers the connect-time probes clients make', async () => {
    const root = await fetch(`${server.url}/`);
    assert.equal(root.status, 200);
    assert.match(await root.text(), /var csrfToken = '';/);
    const build = await fetch(`${server.url}/xapi/siteConfig/buildInfo`);
    assert.equal(build.status, 200);
    assert.match((await build.json() as { version: string }).version, /^1\.8/);
    const version = await fetch(`${server.url}/data/version`, { headers: basicAuth(E2E_ADMIN.login, E2E_ADMIN.password) });
    assert.equal(version.status, 404);
    const session = await fetch(`${server.url}/data/JSESSION`, { headers: basicAuth(E2E_ADMIN.login, E2E_ADMIN.password) });
    assert.equal(session.status, 200);
    const id = await session.text();
    assert.match(id, /^[0-9A-F]{32}$/);
    assert.match(String(session.headers.get('set-cookie')), new RegExp(`JSESSIONID=${id}`));
    const auth = await fetch(`${server.url}/data/auth`, { headers: { cookie: `JSESSIONID=${id}` } });
    assert.equal(await auth.text(), "User 'admin' is logged in");
  });

  it('stops on SIGTERM', async () => {
    await server.stop();
    assert.notEqual(server.process.exitCode ?? server.process.signalCode, null);
  });
});
