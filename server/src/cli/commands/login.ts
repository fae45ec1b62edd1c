import readline from 'node:readline/promises';
import type { Command } from 'commander';
import type { ClientSettings } from '../../config/client-settings.js';
import { UsageError } from '../client/errors.js';
import { CredentialStore, normaliseServerUrl } from '../client/credentials.js';
import { HttpError, XnatClient } from '../client/xnat-client.js';

interface LoginOptions { user?: string; passwordStdin?: boolean; savePassword?: boolean }

/**
 * `xnat-ts login`: checks the credentials, then stores an alias token (not the password) for the
 * server, like XNAT's own tools do; `--save-password` stores the password for servers that cannot issue
 * tokens. `xnat-ts logout` forgets the login and invalidates its token.
 */
export function registerLoginCommands(program: Command, settings: () => ClientSettings): void {
  program.command('login')
    .description('log in to an XNAT or xnat-ts server and remember it (the default server for other commands)')
    .argument('<server>', 'server URL, e.g. https://xnat.example.org')
    .option('-u, --user <login>', 'user name (asked for when missing)')
    .option('--password-stdin', 'read the password from standard input (or set XNAT_TS_PASSWORD)')
    .option('--save-password', 'store the password instead of an alias token (for servers that cannot issue tokens)')
    .action(async (server: string, opts: LoginOptions) => {
      const url = normaliseServerUrl(server);
      const env = settings();
      const user = opts.user ?? env.user ?? (await ask('User: '));
      const password = opts.passwordStdin ? (await readStdin()).replace(/\r?\n$/, '') : env.password ?? (await askPassword());
      const client = new XnatClient(url, { user, password });
      try {
        await client.request('GET', '/data/JSESSION');
      } catch (e) {
        if (e instanceof HttpError && e.status === 401) throw new UsageError(`Login to ${url} as ${user} failed: wrong user name or password`);
        throw e;
      }
      const store = new CredentialStore(env.configDir);
      const savedAt = new Date().toISOString();
      if (opts.savePassword) {
        await store.set(url, { user, password, savedAt });
        process.stdout.write(`Logged in to ${url} as ${user} (password stored in ${store.file})\n`);
        return;
      }
      let token: { alias?: string; secret?: string; estimatedExpirationTime?: number };
      try {
        token = await client.json('/data/services/tokens/issue');
      } catch (e) {
        throw new UsageError(`${url} did not issue an alias token (${(e as Error).message}); log in with --save-password to store the password instead`);
      }
      if (!token.alias || !token.secret) throw new UsageError(`${url} answered the token request without a token; log in with --save-password instead`);
      const expiresAt = token.estimatedExpirationTime ? new Date(token.estimatedExpirationTime).toISOString() : undefined;
      await store.set(url, { user, alias: token.alias, secret: token.secret, expiresAt, savedAt });
      process.stdout.write(`Logged in to ${url} as ${user}${expiresAt ? ` (token valid until ${expiresAt})` : ''}\n`);
    });

  program.command('logout')
    .description('forget the stored login of a server and invalidate its token')
    .argument('[server]', 'server URL (default: the last server logged in to)')
    .action(async (server: string | undefined) => {
      const store = new CredentialStore(settings().configDir);
      const url = server ? normaliseServerUrl(server) : await store.defaultServer();
      if (!url) throw new UsageError('Not logged in to any server');
      const removed = await store.remove(url);
      if (!removed) throw new UsageError(`Not logged in to ${url}`);
      if (removed.alias && removed.secret) {
        const client = new XnatClient(url, { user: removed.alias, password: removed.secret });
        await client.request('GET', `/data/services/tokens/invalidate/${encodeURIComponent(removed.alias)}`).catch(() => undefined);
      }
      process.stdout.write(`Logged out of ${url}\n`);
    });
}

async function ask(question: string): Promise<string> {
  if (!process.stdin.isTTY) throw new UsageError('Give the user name with --user (or XNAT_TS_USER)');
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await rl.question(question)).trim();
  } finally {
    rl.close();
  }
}

async function askPassword(): Promise<string> {
  if (!process.stdin.isTTY) throw new UsageError('Give the password on standard input with --password-stdin, or in XNAT_TS_PASSWORD');
  const { default: password } = await import('@inquirer/password');
  return password({ message: 'Password:', mask: '*' }, { output: process.stderr });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
