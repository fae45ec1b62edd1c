import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { bootstrapScript } from '../../src/http/web/index-page.js';
import { buildTestApp, type TestApp } from '../support/test-app.js';

const INDEX = '<!DOCTYPE html><html><head><title>xnat-ts</title><!--xnat-ts-bootstrap--><script type="module" src="/assets/app-1234.js"></script></head><body><div id="root"></div></body></html>';
const SCRIPT = `console.log(${JSON.stringify('x'.repeat(5000))});`;

/** A stand-in for web/dist, so these tests do not depend on the real bundle being built. */
async function fakeBundle(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'xnat-ts-web-'));
  await fs.mkdir(path.join(dir, 'assets'));
  await fs.writeFile(path.join(dir, 'index.html'), INDEX);
  await fs.writeFile(path.join(dir, 'assets/app-1234.js'), SCRIPT);
  await fs.writeFile(path.join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  return dir;
}

const cookieOf = (setCookie: string | string[] | undefined, name: string) =>
  ([] as string[]).concat(setCookie ?? []).map((c) => new RegExp(`^${name}=([^;]*)`).exec(c)?.[1]).find(Boolean);

describe('web UI serving', () => {
  let t: TestApp;
  let webDir: string;
  before(async () => {
    webDir = await fakeBundle();
    t = await buildTestApp('sqlite', { 'http.webDir': webDir });
  });
  after(async () => {
    await t.close();
    await fs.rm(webDir, { recursive: true, force: true });
  });

  it('serves the app at / with the CSRF line the Desktop Client scrapes and a nonce-based CSP', async () => {
    const res = await t.anonymous.get('/');
    assert.equal(res.status, 200);
    assert.match(String(res.headers['content-type']), /text\/html/);
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.match(res.text, /var csrfToken = '';\nvar xnatTsSession = \{"login":null,"requireLogin":true\};/);
    const nonce = /<script nonce="([^"]+)">var csrfToken/.exec(res.text)?.[1];
    assert.ok(nonce);
    assert.match(String(res.headers['content-security-policy']), new RegExp(`script-src 'self' 'nonce-${nonce.replace(/[+/]/g, '\\$&')}'`));
    assert.ok(res.text.includes('<script type="module" src="/assets/app-1234.js">'));
  });

  it('with Basic auth starts a session whose CSRF token is the one in the page', async () => {
    const res = await t.admin.get('/');
    const token = /var csrfToken = '([\w-]+)';/.exec(res.text)?.[1];
    assert.ok(token, 'a token is in the page');
    assert.match(res.text, /"login":"admin"/);
    const session = cookieOf(res.headers['set-cookie'], 'JSESSIONID');
    assert.ok(session);
    const check = await t.anonymous.get('/data/JSESSION?CSRF=true', { headers: { cookie: `JSESSIONID=${session}` } });
    assert.equal(check.text, `${session}; XNAT_CSRF=${token}`);
  });

  it('answers every UI address with the app, carrying the logged-in user', async () => {
    const login = await t.anonymous.post('/data/services/auth', { body: 'username=admin&password=admin-password-1', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    const cookie = `JSESSIONID=${login.text}`;
    for (const url of ['/login', '/projects/P1', '/projects/P1/subjects/S1?tab=projects', '/projects/P1/experiments/E1', '/subjects/XNAT_S00001', '/upload', '/prearchive/P1/20240101_000000000/S1', '/download?project=P1', '/transfers', '/transfers/new?source=P1']) {
      const res = await t.anonymous.get(url, { headers: { cookie } });
      assert.equal(res.status, 200, url);
      assert.match(res.text, /"login":"admin"/, url);
      assert.match(res.text, /var csrfToken = '[\w-]+';/, url);
    }
  });

  it('serves hashed assets with long caching, ETags and br/gzip encoding', async () => {
    const plain = await t.anonymous.get('/assets/app-1234.js');
    assert.equal(plain.status, 200);
    assert.match(String(plain.headers['content-type']), /text\/javascript/);
    assert.equal(plain.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal(plain.text, SCRIPT);
    const etag = String(plain.headers.etag);
    assert.equal((await t.anonymous.get('/assets/app-1234.js', { headers: { 'if-none-match': etag } })).status, 304);

    const br = await t.anonymous.get('/assets/app-1234.js', { headers: { 'accept-encoding': 'gzip, deflate, br' } });
    assert.equal(br.headers['content-encoding'], 'br');
    assert.equal(zlib.brotliDecompressSync(br.body).toString(), SCRIPT);
    assert.ok(br.body.length < SCRIPT.length / 10);
    const gz = await t.anonymous.get('/assets/app-1234.js', { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.equal(zlib.gunzipSync(gz.body).toString(), SCRIPT);

    const icon = await t.anonymous.get('/favicon.svg');
    assert.equal(icon.headers['content-type'], 'image/svg+xml');
    assert.equal(icon.headers['cache-control'], 'no-cache');
  });

  it('keeps unknown assets and API addresses as 404s', async () => {
    assert.equal((await t.anonymous.get('/assets/app-old.js')).status, 404);
    assert.equal((await t.anonymous.get('/no-such-page')).status, 404);
    const xapi = await t.admin.get('/xapi/no-such-thing');
    assert.equal(xapi.status, 404);
    assert.equal(xapi.json().error.code, 'not_found');
    assert.equal((await t.anonymous.get('/data/projects')).status, 401, 'the API still requires login');
  });

  it("redirects XNAT's /app/... page URLs to the matching UI page", async () => {
    const res = await t.anonymous.get('/app/action/DisplayItemAction/search_element/xnat:subjectData/search_field/xnat:subjectData.ID/search_value/XNAT_S00001/project/P1');
    assert.equal(res.status, 302);
    assert.equal(res.headers.location, '/projects/P1/subjects/XNAT_S00001');
    const home = await t.anonymous.get('/app/template/Index.vm');
    assert.equal(home.headers.location, '/');
  });

  it('escapes the bootstrap values so nothing can close the script element', () => {
    const script = bootstrapScript({ csrfToken: "x';alert(1)//", login: '</script><script>alert(1)</script>', requireLogin: false });
    assert.ok(!script.includes('</script>'));
    assert.match(script, /var csrfToken = '';/);
  });
});

describe('web UI serving without a built bundle', () => {
  let t: TestApp;
  let empty: string;
  before(async () => {
    empty = await fs.mkdtemp(path.join(os.tmpdir(), 'xnat-ts-web-empty-'));
    t = await buildTestApp('sqlite', { 'http.webDir': empty });
  });
  after(async () => {
    await t.close();
    await fs.rm(empty, { recursive: true, force: true });
  });

  it('still serves / with the CSRF line and says how to build the UI', async () => {
    const res = await t.anonymous.get('/');
    assert.equal(res.status, 200);
    assert.match(res.text, /var csrfToken = '';/);
    assert.match(res.text, /npm run build/);
  });
});
