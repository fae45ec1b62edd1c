import { PRODUCT_VERSION } from '../../version.js';
import { ClientError } from './errors.js';

/** A response outside the statuses the caller accepts, with the server's own explanation. */
export class HttpError extends Error {
  constructor(readonly status: number, readonly method: string, readonly url: string, readonly detail: string, readonly body = '') {
    super(`${method} ${url} failed with ${status}: ${detail}`);
    this.name = 'HttpError';
  }
}

export interface RequestOptions {
  readonly query?: Record<string, string | undefined>;
  readonly headers?: Record<string, string>;
  /** A string, bytes, or a stream (sent as it is produced). */
  readonly body?: string | Uint8Array | AsyncIterable<Uint8Array>;
  /** Statuses that are not errors (default: 2xx). */
  readonly accept?: readonly number[];
  readonly signal?: AbortSignal;
}

export interface Credentials {
  readonly user: string;
  /** A password, or an alias token's secret with `user` = the alias. */
  readonly password: string;
}

/**
 * The XNAT REST API as the client commands use it: HTTP Basic on every request (so it works the same
 * against this server and XNAT, with passwords or alias tokens), ResultSet listings as rows, and
 * failures as HttpError carrying the server's message.
 */
export class XnatClient {
  readonly base: string;

  constructor(server: string, private readonly credentials?: Credentials) {
    this.base = server.replace(/\/+$/, '');
  }

  /** Absolute URL for a path (`/data/...`) or an absolute URL on this server. */
  url(path: string, query?: Record<string, string | undefined>): string {
    const url = new URL(/^https?:\/\//.test(path) ? path : `${this.base}${path.startsWith('/') ? '' : '/'}${path}`);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    return url.toString();
  }

  async request(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    const url = this.url(path, options.query);
    const headers: Record<string, string> = { 'user-agent': `xnat-ts/${PRODUCT_VERSION}`, ...options.headers };
    if (this.credentials) headers.authorization = `Basic ${Buffer.from(`${this.credentials.user}:${this.credentials.password}`).toString('base64')}`;
    const streamed = options.body !== undefined && typeof options.body !== 'string' && !(options.body instanceof Uint8Array);
    let res: Response;
    try {
      res = await fetch(url, { method, headers, body: options.body as never, signal: options.signal, ...(streamed && { duplex: 'half' }) } as RequestInit);
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      throw new ClientError(`Cannot reach ${url}: ${cause?.code ?? cause?.message ?? (e as Error).message}`);
    }
    const ok = options.accept ? options.accept.includes(res.status) : res.ok;
    if (!ok) {
      const body = (await res.text().catch(() => '')).trim();
      throw new HttpError(res.status, method, url, failureText(body, res), body);
    }
    return res;
  }

  async text(path: string, query?: Record<string, string | undefined>): Promise<string> {
    return (await this.request('GET', path, { query })).text();
  }

  async json<T = unknown>(path: string, query?: Record<string, string | undefined>): Promise<T> {
    return (await (await this.request('GET', path, { query: { format: 'json', ...query } })).json()) as T;
  }

  /** Rows of a ResultSet listing; every value is a string. */
  async rows(path: string, query?: Record<string, string | undefined>): Promise<Record<string, string>[]> {
    const body = await this.json<{ ResultSet?: { Result?: Record<string, unknown>[] } }>(path, query);
    return (body.ResultSet?.Result ?? []).map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null || v === undefined ? '' : String(v)])));
  }

  /** Like rows(), but a 404 (nothing there) is an empty list. */
  async rowsOrNone(path: string, query?: Record<string, string | undefined>): Promise<Record<string, string>[]> {
    try {
      return await this.rows(path, query);
    } catch (e) {
      if (e instanceof HttpError && e.status === 404) return [];
      throw e;
    }
  }
}

/** The server's explanation: JSON `error.message`, XNAT's `<h3>` status page, or the plain text. */
function failureText(text: string, res: Response): string {
  if (/json/.test(res.headers.get('content-type') ?? '')) {
    try {
      const parsed = JSON.parse(text) as { error?: { message?: string } | string; message?: string };
      const message = typeof parsed.error === 'string' ? parsed.error : parsed.error?.message ?? parsed.message;
      if (message) return message;
    } catch {
      // not JSON after all
    }
  }
  const h3 = /<h3>([\s\S]*?)<\/h3>/i.exec(text);
  if (h3) return (h3[1] as string).trim();
  return text.slice(0, 500) || res.statusText;
}
