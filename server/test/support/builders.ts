import assert from 'node:assert/strict';
import type { ApiClient } from './api-client.js';

/** Small builders that create data through the REST API and fail loudly if it does not work. */
export async function makeProject(client: ApiClient, id: string, query: Record<string, string> = {}): Promise<void> {
  const res = await client.put(`/data/projects/${id}`, { query });
  assert.equal(res.status, 200, `create project ${id}: ${res.status} ${res.text}`);
}

export async function makeSubject(client: ApiClient, project: string, label: string, query: Record<string, string> = {}): Promise<string> {
  const res = await client.put(`/data/projects/${project}/subjects/${label}`, { query });
  assert.ok(res.status === 201 || res.status === 200, `create subject ${label}: ${res.status} ${res.text}`);
  return res.text;
}

export async function makeSession(client: ApiClient, project: string, subject: string, label: string, query: Record<string, string> = {}): Promise<string> {
  const res = await client.put(`/data/projects/${project}/subjects/${subject}/experiments/${label}`, { query: { xsiType: 'xnat:mrSessionData', ...query } });
  assert.ok(res.status === 201 || res.status === 200, `create session ${label}: ${res.status} ${res.text}`);
  return res.text;
}

export async function makeScan(client: ApiClient, project: string, subject: string, session: string, scan: string, query: Record<string, string> = {}): Promise<void> {
  const res = await client.put(`/data/projects/${project}/subjects/${subject}/experiments/${session}/scans/${scan}`, { query: { xsiType: 'xnat:mrScanData', ...query } });
  assert.equal(res.status, 200, `create scan ${scan}: ${res.status} ${res.text}`);
}

export async function addMember(admin: ApiClient, project: string, group: 'owner' | 'member' | 'collaborator', login: string): Promise<void> {
  const res = await admin.put(`/data/projects/${project}/users/${group}/${login}`);
  assert.equal(res.status, 200, `add ${login} to ${group} of ${project}: ${res.status} ${res.text}`);
}
