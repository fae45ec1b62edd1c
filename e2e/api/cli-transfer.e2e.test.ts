import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../support/cli.js';
import { Seeder } from '../support/seed.js';
import { E2E_ADMIN, startServer, type RunningTestServer } from '../support/start-server.js';

/** Files of a session as `scan-or-session/resource/path` → (size, MD5), as the server lists them. */
async function filesOf(seed: Seeder, session: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const r of await seed.rows(`${session}/scans/ALL/files`)) {
    const scan = /\/scans\/([^/]+)\//.exec(r.URI as string)?.[1];
    out.set(`scan${scan}/${r.collection}/${(r.URI as string).split('/files/')[1]}`, `${r.Size}:${r.digest}`);
  }
  for (const res of await seed.rows(`${session}/resources`)) {
    for (const r of await seed.rows(`${session}/resources/${res.label}/files`)) out.set(`session/${res.label}/${(r.URI as string).split('/files/')[1]}`, `${r.Size}:${r.digest}`);
  }
  return out;
}

describe('xnat-ts transfer between two running servers', () => {
  let a: RunningTestServer;
  let b: RunningTestServer;
  let seedA: Seeder;
  let seedB: Seeder;
  let configDir: string;
  const env = () => ({ XNAT_TS_CONFIG_DIR: configDir });
  before(async () => {
    [a, b] = await Promise.all([startServer(), startServer()]);
    seedA = new Seeder(a.url);
    seedB = new Seeder(b.url);
    configDir = await fs.mkdtemp(path.join(os.tmpdir(), 'xnat-ts-cli-'));
    await seedA.session('SRC', 'S1', 'MR1', { big: 3_000_000 });
    await seedA.session('SRC', 'S2', 'MR2');
    await seedB.put('/data/projects/DST');
    for (const server of [a, b]) {
      const login = await runCli(['login', server.url, '--user', E2E_ADMIN.login, '--password-stdin'], { env: env(), input: `${E2E_ADMIN.password}\n` });
      assert.equal(login.code, 0, login.stderr);
      assert.match(login.stdout, new RegExp(`Logged in to ${server.url} as admin \\(token valid until`));
    }
  });
  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await fs.rm(configDir, { recursive: true, force: true });
  });

  const transfer = (...extra: string[]) => runCli(['transfer', '--from', a.url, '--to', b.url, '--source-project', 'SRC', '--dest-project', 'DST', '--session', 'MR1', '--no-progress', ...extra], { env: env() });

  it('keeps the stored logins in a file only its owner can read', async () => {
    const stat = await fs.stat(path.join(configDir, 'credentials.json'));
    assert.equal(stat.mode & 0o777, 0o600);
    const stored = JSON.parse(await fs.readFile(path.join(configDir, 'credentials.json'), 'utf8'));
    assert.equal(stored.default, b.url);
    assert.ok(stored.servers[a.url].alias && stored.servers[a.url].secret, 'a token, not the password');
    assert.doesNotMatch(JSON.stringify(stored), new RegExp(E2E_ADMIN.password));
  });

  it('shows the plan in a dry run and changes nothing', async () => {
    const dry = await transfer('--map', 'subject:S1=S1_COPY', '--map', 'session:MR1=MR1_COPY', '--dry-run');
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /S1\/MR1 -> S1_COPY\/MR1_COPY: 2 scans, 5 files \(3\.\d+ MB\) \[new subject and session\]/);
    assert.match(dry.stdout, /Dry run: nothing was copied/);
    assert.deepEqual(await seedB.rows('/data/projects/DST/experiments'), []);
  });

  it('copies a session with new labels and verifies every file', async () => {
    const res = await transfer('--map', 'subject:S1=S1_COPY', '--map', 'session:MR1=MR1_COPY');
    assert.equal(res.code, 0, `${res.stdout}\n${res.stderr}`);
    assert.match(res.stdout, /Copied 1 session, 5 files/);
    assert.match(res.stdout, /Verified: 5 of 5 files present in DST with the same size and MD5/);
    const source = await filesOf(seedA, '/data/projects/SRC/subjects/S1/experiments/MR1');
    const copy = await filesOf(seedB, '/data/projects/DST/subjects/S1_COPY/experiments/MR1_COPY');
    assert.equal(copy.size, 5);
    assert.deepEqual(copy, source, 'same paths, sizes and MD5s on both servers');
    const scans = await seedB.rows('/data/projects/DST/subjects/S1_COPY/experiments/MR1_COPY/scans?columns=ID,type,series_description,xsiType');
    assert.deepEqual(scans.map((s) => [s.ID, s.type, s.xsiType]).sort(), [['1', 'T1w', 'xnat:mrScanData'], ['2', 'rest fMRI', 'xnat:mrScanData']]);
    assert.equal(scans.find((s) => s.ID === '1')?.series_description, 'MPRAGE');
    const [session] = await seedB.rows('/data/projects/DST/experiments?columns=ID,label,date,scanner,xsiType,subject_label');
    assert.equal(session?.date, '2024-03-04');
    assert.equal(session?.scanner, 'Prisma');
    assert.equal(session?.subject_label, 'S1_COPY');
    const [subject] = await seedB.rows('/data/projects/DST/subjects?columns=label,gender,yob');
    assert.deepEqual([subject?.label, subject?.gender, subject?.yob], ['S1_COPY', 'female', '1980']);
  });

  it('refuses a label that already exists in the destination, changing nothing', async () => {
    const before = await filesOf(seedB, '/data/projects/DST/subjects/S1_COPY/experiments/MR1_COPY');
    const res = await transfer('--map', 'subject:S1=S1_COPY', '--map', 'session:MR1=MR1_COPY');
    assert.equal(res.code, 3, res.stdout);
    assert.match(res.stdout, /CONFLICT: MR1_COPY already exists in DST \(add --merge/);
    assert.match(res.stderr, /1 session in conflict; nothing was copied/);
    assert.deepEqual(await filesOf(seedB, '/data/projects/DST/subjects/S1_COPY/experiments/MR1_COPY'), before);
  });

  it('merges into the existing session: what is there is kept, what is missing is added, all verified', async () => {
    const res = await transfer('--map', 'subject:S1=S1_COPY', '--map', 'session:MR1=MR1_COPY', '--merge');
    assert.equal(res.code, 0, res.stdout + res.stderr);
    assert.match(res.stdout, /0 files copied, 5 already there, 5\/5 verified/);
  });

  it('refuses a project the user cannot write to and a destination project that does not exist', async () => {
    const missing = await runCli(['transfer', '--from', a.url, '--to', b.url, '--source-project', 'SRC', '--dest-project', 'NOPE', '--no-progress'], { env: env() });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /Project NOPE does not exist on .* or you cannot see it/);
    // A collaborator may read a project but not add to it; scripts pass credentials in the environment.
    for (const seed of [seedA, seedB]) {
      const created = await seed.request('POST', '/xapi/users', JSON.stringify({ username: 'colla', password: 'colla-password-1' }), { 'content-type': 'application/json' });
      assert.equal(created.status, 201, await created.text());
      await seed.put('/data/projects/READONLY');
      await seed.put('/data/projects/READONLY/users/collaborator/colla');
    }
    await seedA.put('/data/projects/SRC/users/collaborator/colla');
    const asColla = { ...env(), XNAT_TS_USER: 'colla', XNAT_TS_PASSWORD: 'colla-password-1' };
    const between = await runCli(['transfer', '--from', a.url, '--to', b.url, '--source-project', 'SRC', '--dest-project', 'READONLY', '--no-progress'], { env: asColla });
    assert.equal(between.code, 2, between.stdout + between.stderr);
    assert.match(between.stdout, /BLOCKED: You cannot add data to project READONLY/);
    const within = await runCli(['transfer', '--from', a.url, '--source-project', 'SRC', '--dest-project', 'READONLY', '--no-progress'], { env: asColla });
    assert.equal(within.code, 2, within.stdout + within.stderr);
    assert.match(within.stdout, /PROBLEM \(access\) project READONLY: You need write access/);
    assert.match(within.stderr, /Cannot transfer: You need write access/);
    assert.deepEqual(await seedA.rows('/data/projects/READONLY/experiments'), []);
    assert.deepEqual(await seedB.rows('/data/projects/READONLY/experiments'), []);
  });

  it('copies within one server with the server\'s own transfer, then checks every file from the client', async () => {
    await seedA.put('/data/projects/SRC2');
    const res = await runCli(['transfer', '--from', a.url, '--source-project', 'SRC', '--dest-project', 'SRC2', '--no-progress'], { env: env() });
    assert.equal(res.code, 0, res.stdout + res.stderr);
    assert.match(res.stderr, /Source and destination are on the same server: it copies the files itself \(\/xapi\/transfers\)/);
    assert.match(res.stdout, /Transfer [0-9a-f-]+ succeeded/);
    assert.match(res.stdout, /Verified: 10 of 10 files present in SRC2 with the same size and MD5 \(and the server's own check passed\)/);
    assert.deepEqual(
      await filesOf(seedA, '/data/projects/SRC2/subjects/S2/experiments/MR2'),
      await filesOf(seedA, '/data/projects/SRC/subjects/S2/experiments/MR2'),
    );
    const again = await runCli(['transfer', '--from', a.url, '--source-project', 'SRC', '--dest-project', 'SRC2', '--session', 'MR2', '--no-progress'], { env: env() });
    assert.equal(again.code, 3, again.stdout + again.stderr);
    assert.match(again.stdout, /PROBLEM \(uid\) experiment MR2/);
  });

  it('falls back to the client-side copy on one server for options the server does not offer, saying so', async () => {
    await seedA.put('/data/projects/SRC3');
    const res = await runCli(['transfer', '--from', a.url, '--source-project', 'SRC', '--dest-project', 'SRC3', '--session', 'MR2', '--no-session-resources', '--no-progress'], { env: env() });
    assert.equal(res.code, 0, res.stdout + res.stderr);
    assert.match(res.stderr, /--no-session-resources is not available for the server's own transfers; copying through the REST API instead/);
    assert.match(res.stdout, /Verified: 4 of 4 files present in SRC3/);
  });

  it('logs out, invalidating the token', async () => {
    const stored = JSON.parse(await fs.readFile(path.join(configDir, 'credentials.json'), 'utf8'));
    const { alias, secret } = stored.servers[a.url];
    const out = await runCli(['logout', a.url], { env: env() });
    assert.equal(out.code, 0, out.stderr);
    const withToken = await fetch(`${a.url}/data/projects?format=json`, { headers: { authorization: `Basic ${Buffer.from(`${alias}:${secret}`).toString('base64')}` } });
    assert.equal(withToken.status, 401);
    const again = await runCli(['download', '--server', a.url, '--project', 'SRC'], { env: env() });
    assert.equal(again.code, 2);
    assert.match(again.stderr, new RegExp(`Not logged in to ${a.url}: run xnat-ts login`));
  });
});
