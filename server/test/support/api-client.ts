import type { FastifyInstance } from 'fastify';

export interface ApiResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  readonly body: Buffer;
  json<T = any>(): T;
  /** Rows of a ResultSet listing. */
  rows(): Record<string, string>[];
}

export interface RequestOptions {
  readonly body?: string | Buffer;
  readonly headers?: Record<string, string>;
  readonly query?: Record<string, string>;
}

/** Calls the app in-process (Fastify inject) as one user with HTTP Basic, like pyxnat does. */
export class ApiClient {
  constructor(private readonly http: FastifyInstance, readonly credentials?: { login: string; password: string }) {}

  get login(): string | undefined {
    return this.credentials?.login;
  }

  async request(method: string, url: string, options: RequestOptions = {}): Promise<ApiResponse> {
    const headers: Record<string, string> = { ...options.headers };
    if (this.credentials) headers.authorization = `Basic ${Buffer.from(`${this.credentials.login}:${this.credentials.password}`).toString('base64')}`;
    const query = options.query ? `${url.includes('?') ? '&' : '?'}${new URLSearchParams(options.query)}` : '';
    const res = await this.http.inject({ method: method as 'GET', url: url + query, headers, payload: options.body });
    const body = res.rawPayload;
    return {
      status: res.statusCode,
      headers: res.headers as Record<string, string | string[] | undefined>,
      text: body.toString('utf8'),
      body,
      json: () => JSON.parse(body.toString('utf8')),
      rows: () => (JSON.parse(body.toString('utf8')) as { ResultSet: { Result: Record<string, string>[] } }).ResultSet.Result,
    };
  }

  get(url: string, options?: RequestOptions) { return this.request('GET', url, options); }
  put(url: string, options?: RequestOptions) { return this.request('PUT', url, options); }
  post(url: string, options?: RequestOptions) { return this.request('POST', url, options); }
  delete(url: string, options?: RequestOptions) { return this.request('DELETE', url, options); }

  /** PUT a file's bytes the way xnatpy uploads (raw body, octet-stream). */
  upload(url: string, content: string | Buffer, query: Record<string, string> = {}) {
    return this.request('PUT', url, { body: content, headers: { 'content-type': 'application/octet-stream' }, query });
  }
}
