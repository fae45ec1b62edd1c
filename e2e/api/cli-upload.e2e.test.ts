import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../support/cli.js';
import { writeStudies } from '../support/dicom.js';
import { Seeder } from '../support/seed.js';
import { E2E_ADMIN, startServer, type RunningTestServer } from '../support/start-server.js';

describe('xnat-ts upload', () => {
  let server: RunningTestServer;
  let seed: Seeder;
  let work: string;
  const env = () => ({ XNAT_TS_CONFIG_DIR: path.join(work, 'config'), XNAT_TS_USER: E2E_ADMIN.login, XNAT_TS_PASSWORD: E2E_ADMIN.password });
  before(async () => {
    server = await startServer();
    seed = new Seeder(server.url);
    work = await fs.mkdtemp(path.join(os.tmpdir(), 'xnat-ts-upload-'));
    await seed.put('/data/projects/UP');
  });
  after(async () => {
    await server?.stop();
    await fs.rm(work, { recursive: true, force: true });
  });

  it('lists the studies of a folder in a dry run, without a server', async (t) => {
    await writeStudies(path.join(work, 'dicom'), { studies: 2, series: 2, instances: 3 });
    await fs.writeFile(path.join(work, 'dicom', 'README.txt'), 'not DICOM');
    const res = await runCli(['upload', path.join(work, 'dicom'), '--project', 'UP', '--dry-run'], { env: { XNAT_TS_CONFIG_DIR: path.join(work, 'config') } });
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /Found 2 uploads:/);
    assert.match(res.stdout, /MR study of TEST\^SUBJECT1 on 20240304 \(6 instances/);
    assert.match(res.stdout, /left out 1 file that are neither DICOM nor archives/);
    const labelled = await runCli(['upload', path.join(work, 'dicom'), '--project', 'UP', '--session', 'ONE', '--dry-run'], { env: env() });
    assert.equal(labelled.code, 2);
    assert.match(labelled.stderr, /--session names one session, but the inputs hold 2 studies/);
    t.diagnostic('dry runs need no import service');
  });

  it('uploads each study through the import service and verifies it; a rerun skips what is verified', async () => {
    const res = await runCli(['upload', path.join(work, 'dicom'), '--project', 'UP', '--to', 'archive', '--no-progress', '--server', server.url], { env: env() });
    assert.equal(res.code, 0, res.stdout + res.stderr);
    assert.match(res.stdout, /Verified: 2 uploads, 12 instances on the server/);
    const again = await runCli(['upload', path.join(work, 'dicom'), '--project', 'UP', '--to', 'archive', '--no-progress', '--server', server.url], { env: env() });
    assert.equal(again.code, 0);
    assert.match(again.stdout, /already uploaded and verified/);
    const sessions = await seed.rows('/data/projects/UP/experiments');
    assert.equal(sessions.length, 2);
  });

  it('uploads a zip as it is, into the prearchive', async () => {
    await writeStudies(path.join(work, 'zipped'), { studies: 1, series: 1, instances: 4 });
    const zip = path.join(work, 'study.zip');
    await promisify(execFile)('zip', ['-qr', zip, '.'], { cwd: path.join(work, 'zipped') });
    const res = await runCli(['upload', zip, '--project', 'UP', '--to', 'prearchive', '--no-progress', '--server', server.url], { env: env() });
    assert.equal(res.code, 0, res.stdout + res.stderr);
    assert.match(res.stdout, /-> \/data\/prearchive\/projects\/UP\//);
    assert.match(res.stdout, /Verified: 1 upload, 4 instances on the server/);
  });
});
