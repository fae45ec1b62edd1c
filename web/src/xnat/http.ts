import { asSentence } from '../lib/format.ts';
import { messageOfBody } from '../lib/server-message.ts';

/** A refused or failed request, with a message fit to show next to what caused it. */
export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export type Query = Record<string, string | number | boolean | undefined>;

export interface CallOptions {
  readonly query?: Query;
  readonly body?: BodyInit;
  readonly contentType?: string;
  readonly signal?: AbortSignal;
  /** Do not treat 401 as an expired session (the login form expects it). */
  readonly allowUnauthenticated?: boolean;
}

let csrfToken = '';
let sessionExpired: (() => void) | undefined;

/** Browser writes must echo the session's CSRF token; the server refuses them otherwise. */
export function setCsrfToken(token: string): void {
  csrfToken = token;
}

export function getCsrfToken(): string {
  return csrfToken;
}

export function onSessionExpired(handler: () => void): void {
  sessionExpired = handler;
}

function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}${path.includes('?') ? '&' : '?'}${qs}` : path;
}

/** One request to the server's REST API, as the clients make it; refusals become ApiError. */
export async function call(method: string, path: string, options: CallOptions = {}): Promise<Response> {
  const headers: Record<string, string> = {};
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  if (options.contentType) headers['Content-Type'] = options.contentType;
  let response: Response;
  try {
    response = await fetch(withQuery(path, options.query), { method, headers, body: options.body, credentials: 'same-origin', signal: options.signal });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(0, 'The server could not be reached. Check the connection and try again.');
  }
  if (!response.ok) {
    const error = await errorOf(response);
    if (response.status === 401 && !options.allowUnauthenticated) sessionExpired?.();
    throw error;
  }
  return response;
}

/** A refusal as an ApiError carrying the server's message (or a plain fallback for its status). */
async function errorOf(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => '');
  const message = messageOfBody(text, response.headers.get('content-type'));
  return new ApiError(response.status, asSentence(message || fallbackMessage(response.status)));
}

function fallbackMessage(status: number): string {
  switch (status) {
    case 401: return 'Your session has ended; log in again';
    case 403: return 'You do not have permission to do this';
    case 404: return 'Not found';
    case 409: return 'This conflicts with existing data';
    case 413: return 'The file is too large for this server';
    case 501: return 'This server does not offer this yet';
    default: return `The server answered with an error (HTTP ${status})`;
  }
}

export async function getJson<T>(path: string, query: Query = {}, signal?: AbortSignal): Promise<T> {
  return (await call('GET', path, { query: { format: 'json', ...query }, signal })).json() as Promise<T>;
}

export async function getText(path: string, query: Query = {}, signal?: AbortSignal): Promise<string> {
  return (await call('GET', path, { query, signal })).text();
}

export type Row = Record<string, string>;

/** Rows of an XNAT ResultSet listing (every value a string). */
export async function getRows(path: string, query: Query = {}, signal?: AbortSignal): Promise<Row[]> {
  const json = await getJson<{ ResultSet?: { Result?: Row[] } }>(path, query, signal);
  return json.ResultSet?.Result ?? [];
}

export const enc = encodeURIComponent;
