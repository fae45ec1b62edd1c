import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { testDialects } from '../../server/test/support/dialects.js';
import { writeDicomStudies } from '../../server/test/support/dicom-files.js';
import { waitFor } from '../../server/test/support/wait-for.js';
import { Seeder } from '../support/seed.js';
import { startServer, type RunningTestServer } from '../support/start-server.js';

const exec = promisify(execFile);

/** Runs a dcmtk tool (with TCP_NODELAY, as Debian's dcmtk otherwise waits on Nagle); never rejects. */
async function dcmtk(tool: 'storescu' | 'echoscu', args: readonly string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await exec(tool, args, { env: { ...process.env, TCP_NODELAY: '1' } });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

const SERIES = [
  { number: 1, description: 'Localizer', instances: 3 },
  { number: 4, description: 'T1 MPRAGE', instances: 5 },
  { number: 7, description: 'DTI 30dir', instances: 2 },
];

for (const dialect of testDialects()) {
  describe(`dcmtk storescu/echoscu against the DICOM receiver (${dialect})`, () => {
    let server: RunningTestServer;
    let seed: Seeder;
    let port: number;
    const dirs: string[] = [];

    before(async () => {
      server = await startServer({ dialect, args: ['--ae-titles', 'XNAT,AUTOAE=AUTO,HOLDING=HOLD,GONE=NOSUCH'], env: { XNAT_TS_INGEST_QUIET_SECONDS: '1' } });
      seed = new Seeder(server.url);
      assert.ok(server.dicomPort, `the server did not print its DICOM receiver:\n${server.output()}`);
      port = server.dicomPort;
      await seed.put('/data/projects/AUTO');
      await seed.put('/data/projects/AUTO/prearchive_code/4');
      await seed.put('/data/projects/HOLD');
      await seed.put('/data/projects/HOLD/prearchive_code/0');
    });
    after(async () => {
      await server?.stop();
      for (const dir of dirs) await fs.rm(dir, { recursive: true, force: true });
    });

    it('answers echoscu, and refuses an AE title it does not serve', async () => {
      const echo = await dcmtk('echoscu', ['-aec', 'XNAT', '127.0.0.1', String(port)]);
      assert.equal(echo.code, 0, echo.output);
      const wrong = await dcmtk('echoscu', ['-aec', 'PACS', '127.0.0.1', String(port)]);
      assert.notEqual(wrong.code, 0);
      assert.match(wrong.output, /Called AE Title Not Recognized/i);
    });

    /** Sends a generated study and waits for it to be archived in AUTO; checks subject, scans and files. */
    async function sendAndCheckArchived(calledAe: string, subject: string, label: string, tags: Record<string, string>, names: { patientName: string; patientId: string }) {
      const { dir, files } = await writeDicomStudies([{ studyUid: `1.2.826.0.1.3680043.8.498.${Date.now()}${dirs.length}`, ...names, tags, series: SERIES }]);
      dirs.push(dir);
      const store = await dcmtk('storescu', ['-aec', calledAe, '127.0.0.1', String(port), ...files.map((f) => path.join(dir, f))]);
      assert.equal(store.code, 0, store.output);
      const session = await waitFor(async () => (await seed.rows('/data/projects/AUTO/experiments')).find((r) => r.label === label),
        { timeoutMs: 60_000, what: `session ${label} to be archived in AUTO` });
      assert.equal(session.xsiType, 'xnat:mrSessionData');
      const subjects = await seed.rows(`/data/projects/AUTO/subjects/${subject}/experiments`);
      assert.deepEqual(subjects.map((s) => s.label), [label]);
      const scans = await seed.rows(`/data/projects/AUTO/experiments/${label}/scans`);
      assert.deepEqual(scans.map((s) => [s.ID, s.series_description]).sort(), SERIES.map((s) => [String(s.number), s.description]).sort());
      for (const series of SERIES) {
        const scanFiles = await seed.rows(`/data/projects/AUTO/experiments/${label}/scans/${series.number}/files`);
        assert.equal(scanFiles.length, series.instances, `files of scan ${series.number}`);
      }
      // Nothing of it stays behind in the prearchive.
      assert.equal((await seed.rows('/data/prearchive/projects/AUTO')).filter((r) => r.name === label).length, 0);
    }

    it('archives a multi-series study sent to an AE title bound to an auto-archive project (labels from Patient Name and ID)', async () => {
      await sendAndCheckArchived('AUTOAE', 'SUBJ1', 'SUBJ1_MR1', {}, { patientName: 'SUBJ1', patientId: 'SUBJ1_MR1' });
    });

    it('routes a study by Project:, Subject: and Session: in Patient Comments', async () => {
      await sendAndCheckArchived('XNAT', 'SUBJ3', 'SUBJ3_MR1', { PatientComments: 'Project: AUTO Subject: SUBJ3 Session: SUBJ3_MR1' }, { patientName: 'DOE^JANE', patientId: 'PID3' });
    });

    it('collects a study sent to an AE title bound to a prearchive project as READY in its prearchive', async () => {
      const { dir, files } = await writeDicomStudies([{
        studyUid: `1.2.826.0.1.3680043.8.498.${Date.now()}9`, patientName: 'SUBJ2', patientId: 'SUBJ2_MR1', series: SERIES.slice(0, 2),
      }]);
      dirs.push(dir);
      const store = await dcmtk('storescu', ['-aec', 'HOLDING', '127.0.0.1', String(port), ...files.map((f) => path.join(dir, f))]);
      assert.equal(store.code, 0, store.output);

      const row = await waitFor(async () => (await seed.rows('/data/prearchive/projects/HOLD')).find((r) => r.name === 'SUBJ2_MR1' && r.status === 'READY'),
        { timeoutMs: 60_000, what: 'the received session to be READY in the HOLD prearchive' });
      assert.equal(row.project, 'HOLD');
      assert.equal(row.subject, 'SUBJ2');
      assert.deepEqual(await seed.rows('/data/projects/HOLD/experiments'), []);
    });

    it('refuses (0xC000) what ingest refuses, storing nothing: a title bound to a missing project, an instance without a StudyInstanceUID', async () => {
      const { dir, files } = await writeDicomStudies([{ studyUid: `1.2.826.0.1.3680043.8.498.${Date.now()}7`, patientName: 'SUBJ4', patientId: 'SUBJ4_MR1', series: SERIES.slice(0, 1) }]);
      dirs.push(dir);
      const gone = await dcmtk('storescu', ['-v', '-aec', 'GONE', '127.0.0.1', String(port), path.join(dir, files[0]!)]);
      assert.notEqual(gone.code, 0, gone.output);
      assert.match(gone.output, /0xc000|Cannot understand|Error: Cannot/i);
      const noStudy = path.join(dir, 'no-study.dcm');
      await exec('/usr/bin/python3', ['-c', 'import sys, pydicom; d = pydicom.dcmread(sys.argv[1]); del d.StudyInstanceUID; d.save_as(sys.argv[2])', path.join(dir, files[0]!), noStudy]);
      const bad = await dcmtk('storescu', ['-v', '-aec', 'XNAT', '127.0.0.1', String(port), noStudy]);
      assert.notEqual(bad.code, 0, bad.output);
      assert.match(bad.output, /0xc000|Cannot understand|Error: Cannot/i);
      const everything = await seed.rows('/data/prearchive/projects');
      assert.equal(everything.filter((r) => r.subject === 'SUBJ4' || r.name === 'SUBJ4_MR1').length, 0);
    });
  });
}
