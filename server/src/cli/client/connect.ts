import type { ClientSettings } from '../../config/client-settings.js';
import { CredentialStore, normaliseServerUrl } from './credentials.js';
import { UsageError } from './errors.js';
import { XnatClient } from './xnat-client.js';

export interface ConnectOptions {
  /** Server URL; the default is the server of the last login. */
  readonly server?: string;
  readonly user?: string;
}

/**
 * A client for the chosen server with the stored login, or with XNAT_TS_USER/XNAT_TS_PASSWORD (or --user
 * and XNAT_TS_PASSWORD) for scripts that do not log in first.
 */
export async function connect(options: ConnectOptions, settings: ClientSettings): Promise<XnatClient> {
  const store = new CredentialStore(settings.configDir);
  const server = options.server ? normaliseServerUrl(options.server) : await store.defaultServer();
  if (!server) throw new UsageError('No server given: log in first (xnat-ts login https://xnat.example.org) or pass --server');
  const user = options.user ?? settings.user;
  if (user && settings.password) return new XnatClient(server, { user, password: settings.password });
  const stored = await store.get(server);
  if (!stored) throw new UsageError(`Not logged in to ${server}: run xnat-ts login ${server}`);
  if (stored.expiresAt && Date.parse(stored.expiresAt) < Date.now()) {
    throw new UsageError(`Your login to ${server} expired on ${stored.expiresAt}: run xnat-ts login ${server}`);
  }
  if (stored.alias && stored.secret) return new XnatClient(server, { user: stored.alias, password: stored.secret });
  if (stored.password !== undefined) return new XnatClient(server, { user: stored.user, password: stored.password });
  throw new UsageError(`The stored login for ${server} is incomplete: run xnat-ts login ${server}`);
}
