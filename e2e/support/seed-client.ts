import type { BrowserContext } from 'playwright-core';
import { basicAuth, E2E_ADMIN } from './start-server.js';

export interface Reply {
  readonly status: number;
  readonly text: string;
}

/** Seeds and inspects a spawned server through its REST API, as one user with HTTP Basic (like pyxnat). */
export class SeedClient {
  constructor(readonly url: string, readonly login = E2E_ADMIN.login, readonly password = E2E_ADMIN.password) {}

  as(login: string, password = passwordOf(login)): SeedClient {
    return new SeedClient(this.url, login, password);
  }

  async request(method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}): Promise<Reply> {
    const response = await fetch(this.url + path, { method, headers: { ...basicAuth(this.login, this.password), ...headers }, body });
    return { status: response.status, text: await response.text() };
  }

  /** A request that must succeed; the error names the call and the server's answer. */
  async ok(method: string, path: string, body?: string | Buffer, headers?: Record<string, string>): Promise<string> {
    const r = await this.request(method, path, body, headers);
    if (r.status >= 300) throw new Error(`${method} ${path} → ${r.status}: ${r.text.slice(0, 300)}`);
    return r.text;
  }

  async rows(path: string): Promise<Record<string, string>[]> {
    const text = await this.ok('GET', `${path}${path.includes('?') ? '&' : '?'}format=json`);
    return (JSON.parse(text) as { ResultSet: { Result: Record<string, string>[] } }).ResultSet.Result;
  }

  async createUser(login: string, extra: { firstName?: string; lastName?: string } = {}): Promise<void> {
    await this.ok('POST', '/xapi/users', JSON.stringify({ username: login, password: passwordOf(login), email: `${login}@example.org`, firstName: extra.firstName ?? login, lastName: extra.lastName ?? 'Tester' }),
      { 'content-type': 'application/json' });
  }

  async createProject(id: string, fields: Record<string, string> = {}): Promise<void> {
    await this.ok('PUT', `/data/projects/${id}?${new URLSearchParams({ name: `${id} study`, ...fields })}`);
  }

  async addMember(project: string, group: 'owner' | 'member' | 'collaborator', login: string): Promise<void> {
    await this.ok('PUT', `/data/projects/${project}/users/${group}/${login}`);
  }

  async createSubject(project: string, label: string, fields: Record<string, string> = {}): Promise<string> {
    return this.ok('PUT', `/data/projects/${project}/subjects/${label}?${new URLSearchParams(fields)}`);
  }

  async createSession(project: string, subject: string, label: string, fields: Record<string, string> = {}): Promise<string> {
    return this.ok('PUT', `/data/projects/${project}/subjects/${subject}/experiments/${label}?${new URLSearchParams({ xsiType: 'xnat:mrSessionData', ...fields })}`);
  }

  async createScan(project: string, session: string, scan: string, fields: Record<string, string> = {}): Promise<void> {
    await this.ok('PUT', `/data/projects/${project}/experiments/${session}/scans/${scan}?${new URLSearchParams({ xsiType: 'xnat:mrScanData', ...fields })}`);
  }

  async uploadFile(project: string, session: string, scan: string, resource: string, name: string, content: Buffer): Promise<void> {
    await this.ok('PUT', `/data/projects/${project}/experiments/${session}/scans/${scan}/resources/${resource}/files/${name}?format=DICOM&content=RAW`, content,
      { 'content-type': 'application/octet-stream' });
  }

  /** Shares a subject (or, with a session, an experiment) into another project; undefined when refused. */
  async share(source: string, subject: string, destination: string, label: string, session?: string): Promise<Reply> {
    const item = session ? `subjects/${subject}/experiments/${session}` : `subjects/${subject}`;
    return this.request('PUT', `/data/projects/${source}/${item}/projects/${destination}?label=${encodeURIComponent(label)}`);
  }
}

export const passwordOf = (login: string) => (login === E2E_ADMIN.login ? E2E_ADMIN.password : `${login}-Password-1`);

/** Logs in through the API (POST /data/services/auth) and gives the browser context the session cookie. */
export async function logInContext(context: BrowserContext, url: string, login: string, password = passwordOf(login)): Promise<void> {
  const response = await fetch(`${url}/data/services/auth`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ username: login, password }),
  });
  if (response.status !== 200) throw new Error(`Login of ${login} failed: ${response.status} ${await response.text()}`);
  const id = await response.text();
  await context.addCookies([{ name: 'JSESSIONID', value: id.trim(), url }]);
}
