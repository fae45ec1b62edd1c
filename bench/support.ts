import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { buildApp, type App } from '../server/src/app.js';
import { loadConfig } from '../server/src/config/load-config.js';
import { SYSTEM } from '../server/src/domain/actor.js';

/** Shared helpers for benchmarks: a real server on loopback, timing, percentiles. */
export const BENCH_ADMIN = { login: 'admin', password: 'bench-admin-password' };

export interface BenchServer {
  readonly app: App;
  readonly url: string;
  readonly dataDir: string;
  close(): Promise<void>;
}

export async function startBenchServer(engine: 'sqlite' | 'postgres', pgBase?: string): Promise<BenchServer> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'xnat-ts-bench-'));
  let dbUrl = path.join(dataDir, 'bench.sqlite');
  let drop: (() => Promise<void>) | undefined;
  if (engine === 'postgres') {
    const name = `xt_bench_${crypto.randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: pgBase });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const u = new URL(pgBase as string);
    u.pathname = `/${name}`;
    dbUrl = u.toString();
    drop = async () => {
      const c = new pg.Client({ connectionString: pgBase });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    };
  }
  const config = loadConfig({ env: {}, flags: { dataDir, 'database.url': dbUrl, 'logging.level': 'silent', 'http.port': 0, 'http.host': '127.0.0.1', 'dicom.enabled': false } });
  const app = await buildApp(config, { migrate: true });
  await app.services.users.create(SYSTEM, { login: BENCH_ADMIN.login, password: BENCH_ADMIN.password, isAdmin: true });
  await app.http.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.http.server.address() as { port: number }).port;
  return {
    app, dataDir, url: `http://127.0.0.1:${port}`,
    close: async () => {
      await app.close();
      await drop?.();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}

export async function reachablePostgres(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false;
  }
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] as number;
}

/** Times `fn` `runs` times after `warmup` untimed runs; returns sorted milliseconds. */
export async function timeRuns(fn: () => Promise<void>, runs: number, warmup = 10): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    await fn();
    out.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return out.sort((a, b) => a - b);
}

export const basic = (login: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${login}:${password}`).toString('base64')}` });
