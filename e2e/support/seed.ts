import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { basicAuth, E2E_ADMIN } from './start-server.js';

/** Seeds data through a running server's REST API as the e2e admin, failing loudly on any refusal. */
export class Seeder {
  constructor(readonly url: string, private readonly login = E2E_ADMIN.login, private readonly password = E2E_ADMIN.password) {}

  async request(method: string, path: string, body?: Buffer | string, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${this.url}${path}`, { method, headers: { ...basicAuth(this.login, this.password), ...headers }, body });
  }

  async put(path: string, query: Record<string, string> = {}): Promise<string> {
    const qs = Object.keys(query).length ? `?${new URLSearchParams(query)}` : '';
    const res = await this.request('PUT', `${path}${qs}`);
    const text = await res.text();
    assert.ok(res.status === 200 || res.status === 201, `PUT ${path}: ${res.status} ${text}`);
    return text;
  }

  async upload(path: string, bytes: Buffer): Promise<void> {
    const res = await this.request('PUT', path, bytes, { 'content-type': 'application/octet-stream' });
    assert.equal(res.status, 200, `upload ${path}: ${res.status} ${await res.text()}`);
  }

  async rows(path: string): Promise<Record<string, string>[]> {
    const res = await this.request('GET', `${path}${path.includes('?') ? '&' : '?'}format=json`);
    assert.equal(res.status, 200, `GET ${path}: ${res.status}`);
    return ((await res.json()) as { ResultSet: { Result: Record<string, string>[] } }).ResultSet.Result;
  }

  /** A project with one MR session of two typed scans and a session resource; returns the files by path. */
  async session(project: string, subject: string, label: string, sizes: { big?: number } = {}): Promise<{ id: string; files: Map<string, Buffer> }> {
    if ((await this.request('GET', `/data/projects/${project}`)).status !== 200) await this.put(`/data/projects/${project}`);
    await this.put(`/data/projects/${project}/subjects/${subject}`, { gender: 'female', yob: '1980' });
    const id = await this.put(`/data/projects/${project}/subjects/${subject}/experiments/${label}`, { xsiType: 'xnat:mrSessionData', date: '2024-03-04', scanner: 'Prisma' });
    const base = `/data/projects/${project}/subjects/${subject}/experiments/${label}`;
    await this.put(`${base}/scans/1`, { xsiType: 'xnat:mrScanData', type: 'T1w', series_description: 'MPRAGE' });
    await this.put(`${base}/scans/2`, { xsiType: 'xnat:mrScanData', type: 'rest fMRI' });
    const files = new Map<string, Buffer>([
      ['scans/1/resources/DICOM/files/1.dcm', crypto.randomBytes(40_000)],
      ['scans/1/resources/DICOM/files/sub/2.dcm', crypto.randomBytes(70_000)],
      ['scans/2/resources/DICOM/files/big.dcm', crypto.randomBytes(sizes.big ?? 300_000)],
      ['scans/2/resources/NIFTI/files/rest.nii', crypto.randomBytes(5_000)],
      ['resources/NOTES/files/notes.txt', Buffer.from(`notes for ${label}\n`)],
    ]);
    for (const [path, bytes] of files) await this.upload(`${base}/${path}`, bytes);
    return { id, files };
  }
}

export const md5 = (b: Buffer) => crypto.createHash('md5').update(b).digest('hex');
