import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { basicAuth, ROOT, startServer } from '../support/start-server.js';

const run = promisify(execFile);
const BIN = path.join(ROOT, 'bin/xnat-ts.js');

async function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, cwd: ROOT });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('xnat-ts command line', () => {
  let dir: string;
  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'xnat-ts-cli-'));
  });
  after(() => fs.rm(dir, { recursive: true, force: true }));

  it('explains itself with --help', async () => {
    const top = await cli(['--help']);
    assert.equal(top.code, 0);
    for (const command of ['serve', 'migrate', 'create-user']) assert.match(top.stdout, new RegExp(`\\b${command}\\b`));
    const serve = await cli(['serve', '--help']);
    for (const flag of ['--port', '--host', '--data', '--db', '--print-config']) assert.match(serve.stdout, new RegExp(flag));
  });

  it('migrates a new database and reports its status', async () => {
    const data = path.join(dir, 'm');
    const first = await cli(['migrate', '--data', data]);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /Applied \d+ migration/);
    const second = await cli(['migrate', '--data', data]);
    assert.match(second.stdout, /up to date/);
    const status = await cli(['migrate', '--status', '--data', data]);
    assert.match(status.stdout, /pending: none/);
  });

  it('creates users that can then log in; refuses duplicates and weak passwords', async () => {
    const data = path.join(dir, 'u');
    const made = await cli(['create-user', '--data', data, '--login', 'lab', '--email', 'lab@example.org'], { XNAT_TS_NEW_USER_PASSWORD: 'lab-password-1' });
    assert.equal(made.code, 0, made.stderr);
    assert.match(made.stdout, /Created user lab/);
    const dup = await cli(['create-user', '--data', data, '--login', 'lab', '--password', 'lab-password-1']);
    assert.notEqual(dup.code, 0);
    assert.match(dup.stderr, /already exists/);
    const weak = await cli(['create-user', '--data', data, '--login', 'lab2', '--password', 'x']);
    assert.match(weak.stderr, /at least 8/);
    const server = await startServer({ dataDir: data });
    try {
      const res = await fetch(`${server.url}/data/projects`, { headers: basicAuth('lab', 'lab-password-1') });
      assert.equal(res.status, 200);
      assert.match(server.output(), /Log in with your account/, 'an existing site does not create another admin');
    } finally {
      await server.stop();
    }
  });

  it('prints the effective configuration with secrets hidden, and refuses bad settings', async () => {
    const printed = await cli(['serve', '--print-config', '--port', '9999', '--db', 'postgres://u:pw@127.0.0.1/x']);
    assert.equal(printed.code, 0, printed.stderr);
    const config = JSON.parse(printed.stdout);
    assert.equal(config.http.port, 9999);
    assert.equal(config.database.url, 'postgres://u:***@127.0.0.1/x');
    const bad = await cli(['serve', '--port', 'eighty', '--data', path.join(dir, 'b')]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /http.port must be a whole number/);
  });

  it('generates and prints a password for the first admin when none is configured', async () => {
    const server = await startServer({ env: { XNAT_TS_ADMIN_PASSWORD: '' } });
    try {
      const m = /Log in as 'admin' with password: (\S+)/.exec(server.output());
      assert.ok(m, server.output());
      assert.equal((await fetch(`${server.url}/data/projects`, { headers: basicAuth('admin', m[1] as string) })).status, 200);
    } finally {
      await server.stop();
    }
  });

  it('runs as an installed global command (npm install -g)', async () => {
    const prefix = path.join(dir, 'global');
    await run('npm', ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', '--ignore-scripts', ROOT], { cwd: dir });
    const { stdout } = await run(path.join(prefix, 'bin', 'xnat-ts'), ['--version']);
    assert.match(stdout.trim(), /^\d+\.\d+\.\d+$/);
  });
});
