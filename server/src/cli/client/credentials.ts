import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from './errors.js';

/** A login kept for one server: an alias token (preferred) or, when asked for, the password. */
export interface StoredLogin {
  readonly user: string;
  readonly alias?: string;
  readonly secret?: string;
  readonly password?: string;
  /** When the alias token stops working (ISO time), if the server said. */
  readonly expiresAt?: string;
  readonly savedAt: string;
}

interface CredentialsFile {
  version: 1;
  default?: string;
  servers: Record<string, StoredLogin>;
}

/** The server key: scheme, host, port and path without a trailing slash (XNAT may live under /xnat). */
export function normaliseServerUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(/^[a-z]+:\/\//i.test(raw) ? raw : `https://${raw}`);
  } catch {
    throw new UsageError(`'${raw}' is not a server URL (for example https://xnat.example.org)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`'${raw}' is not an http(s) URL`);
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
}

/**
 * Stored logins, one per server, in `credentials.json` inside the client config folder. The file holds
 * secrets, so it is written with mode 0600 (and the folder 0700) through a temp file and a rename.
 */
export class CredentialStore {
  readonly file: string;

  constructor(readonly dir: string) {
    this.file = path.join(dir, 'credentials.json');
  }

  async get(server: string): Promise<StoredLogin | undefined> {
    return (await this.read()).servers[normaliseServerUrl(server)];
  }

  async defaultServer(): Promise<string | undefined> {
    return (await this.read()).default;
  }

  async servers(): Promise<Record<string, StoredLogin>> {
    return (await this.read()).servers;
  }

  /** Saves the login and makes the server the default one. */
  async set(server: string, login: StoredLogin): Promise<void> {
    const data = await this.read();
    const key = normaliseServerUrl(server);
    data.servers[key] = login;
    data.default = key;
    await this.write(data);
  }

  async remove(server: string): Promise<StoredLogin | undefined> {
    const data = await this.read();
    const key = normaliseServerUrl(server);
    const removed = data.servers[key];
    delete data.servers[key];
    if (data.default === key) data.default = Object.keys(data.servers)[0];
    await this.write(data);
    return removed;
  }

  private async read(): Promise<CredentialsFile> {
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, servers: {} };
      throw e;
    }
    const parsed = JSON.parse(text) as Partial<CredentialsFile>;
    return { version: 1, default: parsed.default, servers: parsed.servers ?? {} };
  }

  private async write(data: CredentialsFile): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true, mode: 0o700 });
    const temp = path.join(this.dir, `.credentials-${crypto.randomUUID()}.tmp`);
    await fs.writeFile(temp, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
    await fs.rename(temp, this.file);
    await fs.chmod(this.file, 0o600);
  }
}
