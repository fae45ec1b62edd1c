import assert from 'node:assert/strict';
import type { ApiClient, ApiResponse } from './api-client.js';
import { waitFor } from './wait-for.js';

/** POSTs a transfer request (JSON) to /xapi/transfers. */
export function postTransfer(client: ApiClient, body: Record<string, unknown>): Promise<ApiResponse> {
  return client.post('/xapi/transfers', { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
}

/** Starts a transfer and returns its ID, failing loudly if it is not accepted. */
export async function startTransfer(client: ApiClient, body: Record<string, unknown>): Promise<string> {
  const res = await postTransfer(client, body);
  assert.equal(res.status, 202, res.text);
  return res.json().transfer.id as string;
}

export async function getTransfer(client: ApiClient, id: string): Promise<any> {
  const res = await client.get(`/xapi/transfers/${id}`);
  assert.equal(res.status, 200, res.text);
  return res.json().transfer;
}

/** Waits until the transfer is in one of `states` (by default: finished). */
export function waitForTransfer(client: ApiClient, id: string, states = ['succeeded', 'failed', 'cancelled'], timeoutMs = 30_000): Promise<any> {
  return waitFor(async () => {
    const t = await getTransfer(client, id);
    return states.includes(t.state) ? t : undefined;
  }, { timeoutMs, what: `transfer ${id} to be ${states.join('/')}` });
}
