import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, startCli } from '../support/cli.js';
import { md5, Seeder } from '../support/seed.js';
import { E2E_ADMIN, startServer, type RunningTestServer } from '../support/start-server.js';
import { startThrottlingProxy, type ThrottlingProxy } from '../support/throttling-proxy.js';

const BIG = 24 * 1024 * 1024;
const BIG_LOCAL = 'MR1/scans/2-rest_fMRI/resources/DICOM/files/big.dcm';

/** Local paths (below the output folder) of every file, as the default layout names them. */
function expectedLocal(files: Map<string, Buffer>, label: string): Map<string, Buffer> {
  const types: Record<string, string> = { 1: 'T1w', 2: 'rest_fMRI' };
  return new Map([...files].map(([p, b]) => {
    const scan = /^scans\/(\d+)\/resources\/([^/]+)\/files\/(.+)$/.exec(p);
    return [scan ? `${label}/scans/${scan[1]}-${types[scan[1] as string]}/resources/${scan[2]}/files/${scan[3]}` : `${label}/${p}`, b];
  }));
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('xnat-ts download', () => {
  let server: RunningTestServer;
  let seed: Seeder;
  let proxy: ThrottlingProxy;
  let work: string;
  let files: Map<string, Buffer>;
  const env = () => ({ XNAT_TS_CONFIG_DIR: path.join(work, 'config'), XNAT_TS_USER: E2E_ADMIN.login, XNAT_TS_PASSWORD: E2E_ADMIN.password });
  before(async () => {
    server = await startServer();
    seed = new Seeder(server.url);
    files = expectedLocal((await seed.session('SRC', 'S1', 'MR1', { big: BIG })).files, 'MR1');
    proxy = await startThrottlingProxy(server.url, 4 * 1024 * 1024);
    work = await fs.mkdtemp(path.join(os.tmpdir(), 'xnat-ts-download-'));
  });
  after(async () => {
    await proxy?.close();
    await server?.stop();
    await fs.rm(work, { recursive: true, force: true });
  });

  async function assertSameFiles(dir: string) {
    for (const [local, bytes] of files) assert.equal(md5(await fs.readFile(path.join(dir, local))), md5(bytes), local);
  }

  it('resumes a download interrupted mid-file and ends with identical bytes', async () => {
    const out = path.join(work, 'resumed');
    const first = startCli(['download', '--server', proxy.url, '--project', 'SRC', '--out', out, '--no-progress'], { env: env() });
    const part = path.join(out, `${BIG_LOCAL}.part`);
    await waitFor(async () => ((await fs.stat(part).catch(() => undefined))?.size ?? 0) > 2 * 1024 * 1024, 'the big file to be half-way');
    first.child.kill('SIGKILL');
    const killed = await first.done;
    assert.equal(killed.signal, 'SIGKILL');
    const partial = (await fs.stat(part)).size;
    assert.ok(partial > 0 && partial < BIG, `${partial} bytes left behind`);

    const second = await runCli(['download', '--server', server.url, '--project', 'SRC', '--out', out, '--no-progress'], { env: env() });
    assert.equal(second.code, 0, second.stdout + second.stderr);
    assert.match(second.stdout, /1 session, 2 scans, 5 files/);
    assert.match(second.stdout, /resumed 1 interrupted file \(continuing after/);
    assert.match(second.stdout, /Verified: 5 of 5 files \(5 by MD5\)/);
    await assertSameFiles(out);
    await assert.rejects(fs.stat(part), 'the part file is gone');

    const third = await runCli(['download', '--server', server.url, '--project', 'SRC', '--out', out, '--no-progress'], { env: env() });
    assert.equal(third.code, 0);
    assert.match(third.stdout, /fetched 0 files \(0 B\) .*; 5 already present/);
  });

  it('asks only for the missing bytes when resuming through a proxy', async () => {
    const out = path.join(work, 'ranged');
    await fs.mkdir(path.dirname(path.join(out, BIG_LOCAL)), { recursive: true });
    const bytes = files.get(BIG_LOCAL) as Buffer;
    await fs.writeFile(path.join(out, `${BIG_LOCAL}.part`), bytes.subarray(0, BIG - 1024 * 1024));
    proxy.requests.length = 0;
    const res = await runCli(['download', '--server', proxy.url, '--project', 'SRC', '--session', 'MR1', '--scan-type', 'rest fMRI', '--resource', 'DICOM', '--out', out, '--no-progress'], { env: env() });
    assert.equal(res.code, 0, res.stdout + res.stderr);
    const big = proxy.requests.find((r) => r.path.endsWith('/big.dcm'));
    assert.equal(big?.range, `bytes=${BIG - 1024 * 1024}-`);
    assert.equal(md5(await fs.readFile(path.join(out, BIG_LOCAL))), md5(bytes));
    assert.match(res.stdout, /1 file \(/, 'only the selected scan type and resource');
  });

  it('downloads what a catalog XML lists, from the multi-session download flow', async () => {
    await seed.session('SRC', 'S2', 'MR2');
    const sessions = await seed.rows('/data/projects/SRC/experiments?columns=ID,label,subject_label');
    const body = {
      sessions: sessions.map((s) => `SRC:${s.subject_label}:${s.label}:${s.ID}`), scan_types: ['T1w', 'rest fMRI'], scan_formats: ['DICOM'], resources: ['NOTES'], options: [],
    };
    const created = await seed.request('POST', '/xapi/archive/download', JSON.stringify(body), { 'content-type': 'application/json' });
    const id = await created.text();
    assert.equal(created.status, 200, id);
    for (const kind of ['xml', 'xcat']) {
      const catalog = path.join(work, `catalog.${kind}`);
      await fs.writeFile(catalog, Buffer.from(await (await seed.request('GET', `/xapi/archive/download/${id}/${kind}`)).arrayBuffer()));
      const out = path.join(work, `from-${kind}`);
      const res = await runCli(['download', '--server', server.url, '--catalog', catalog, '--out', out, '--no-progress'], { env: env() });
      assert.equal(res.code, 0, res.stdout + res.stderr);
      assert.match(res.stdout, /2 sessions, 4 scans, 8 files/);
      assert.match(res.stdout, /Verified: 8 of 8 files \(8 by MD5\)/);
      assert.equal(md5(await fs.readFile(path.join(out, 'MR1/scans/2-rest_fMRI/resources/DICOM/big.dcm'))), md5(files.get(BIG_LOCAL) as Buffer));
      assert.equal((await fs.readFile(path.join(out, 'MR2/resources/NOTES/notes.txt'))).toString(), 'notes for MR2\n');
    }
  });

  it('refuses catalog links to another server, not sending the login there', async () => {
    const catalog = path.join(work, 'foreign.xcat');
    await fs.writeFile(catalog, '<cat:Catalog xmlns:cat="http://nrg.wustl.edu/catalog"><cat:entries><cat:entry URI="http://elsewhere.invalid/data/x.dcm" cachePath="x.dcm"/></cat:entries></cat:Catalog>');
    const res = await runCli(['download', '--server', server.url, '--catalog', catalog, '--out', path.join(work, 'foreign'), '--no-progress'], { env: env() });
    assert.equal(res.code, 1);
    assert.match(res.stderr, /The catalog links to another server \(http:\/\/elsewhere\.invalid\); refusing to send your .* login there/);
  });

  it('exits non-zero, naming the file, when a file cannot be fetched', async () => {
    await fs.rm(path.join(server.dataDir, 'archive/SRC/arc001/MR2/SCANS/1/DICOM/1.dcm'));
    const out = path.join(work, 'broken');
    const res = await runCli(['download', '--server', server.url, '--project', 'SRC', '--session', 'MR2', '--out', out, '--no-progress'], { env: env() });
    assert.equal(res.code, 1, res.stdout);
    assert.match(res.stdout, /FAILED MR2\/scans\/1-T1w\/resources\/DICOM\/files\/1\.dcm: 500 File 1\.dcm of resource DICOM is missing from the archive disk/);
    assert.match(res.stdout, /NOT verified: 1 of 5 files/);
    assert.ok(await fs.stat(path.join(out, 'MR2/resources/NOTES/files/notes.txt')), 'the other files arrive');
  });

  it('names what is wrong with the command line', async () => {
    const both = await runCli(['download', '--server', server.url, '--project', 'SRC', '--catalog', 'x.xml'], { env: env() });
    assert.equal(both.code, 2);
    assert.match(both.stderr, /Give either --project .* or --catalog <file>/);
    const session = await runCli(['download', '--server', server.url, '--project', 'SRC', '--session', 'NOPE', '--out', path.join(work, 'none')], { env: env() });
    assert.equal(session.code, 1);
    assert.match(session.stderr, /No session NOPE in project SRC/);
  });
});
