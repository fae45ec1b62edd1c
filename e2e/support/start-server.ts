import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPostgresDatabase, type TestDialect } from '../../server/test/support/dialects.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const E2E_ADMIN = { login: 'admin', password: 'e2e-admin-password' };

export interface RunningTestServer {
  readonly url: string;
  readonly dataDir: string;
  readonly process: ChildProcess;
  /** The DICOM receiver's port, when the server started one (it prints it in its banner). */
  readonly dicomPort: number | undefined;
  /** Everything the server printed. */
  output(): string;
  stop(): Promise<void>;
}

export interface StartOptions {
  readonly dialect?: TestDialect;
  /** Extra command-line arguments for `xnat-ts serve`. */
  readonly args?: readonly string[];
  readonly env?: Record<string, string>;
  /** Reuse a data folder (restart tests). */
  readonly dataDir?: string;
  readonly dbUrl?: string;
}

/**
 * Spawns the real server (`xnat-ts serve` through bin/xnat-ts.js) on 127.0.0.1, port 0, with a
 * temporary data folder; resolves once it prints its URL.
 */
export async function startServer(options: StartOptions = {}): Promise<RunningTestServer & { dropDb?: () => Promise<void>; dbUrl?: string }> {
  const dataDir = options.dataDir ?? (await fs.mkdtemp(path.join(os.tmpdir(), 'xnat-ts-e2e-')));
  let dbUrl = options.dbUrl;
  let dropDb: (() => Promise<void>) | undefined;
  if (!dbUrl && options.dialect === 'postgres') {
    const created = await createPostgresDatabase();
    dbUrl = created.url;
    dropDb = created.drop;
  }
  // The DICOM receiver gets a free port too, so parallel servers never fight over 8104.
  const args = [path.join(ROOT, 'bin/xnat-ts.js'), 'serve', '--host', '127.0.0.1', '--port', '0', '--dicom-port', '0', '--data', dataDir, '--log-level', 'warn',
    ...(dbUrl ? ['--db', dbUrl, '--migrate'] : []), ...(options.args ?? [])];
  const child = spawn(process.execPath, args, {
    env: { ...process.env, XNAT_TS_ADMIN_PASSWORD: E2E_ADMIN.password, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 30 s:\n${output}`)), 30_000);
    const check = () => {
      const m = /running at (http:\/\/\S+)/.exec(output);
      if (m && /Log in/.test(output)) {
        clearTimeout(timer);
        resolve(m[1] as string);
      }
    };
    child.stdout.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
  let stopped: Promise<void> | undefined;
  const dicomPort = /DICOM receiver: \S+:(\d+)/.exec(output)?.[1];
  return {
    url, dataDir, process: child, dbUrl, dropDb, dicomPort: dicomPort === undefined ? undefined : Number(dicomPort),
    output: () => output,
    stop: () => (stopped ??= (async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      if (!options.dataDir) await fs.rm(dataDir, { recursive: true, force: true });
      await dropDb?.();
    })()),
  };
}

/** fetch with HTTP Basic credentials. */
export function basicAuth(login: string, password: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${login}:${password}`).toString('base64')}` };
}
