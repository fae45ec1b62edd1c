import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { datasetBytes, TRANSFER_SYNTAX, writeDicomFiles } from '../../../test/support/dicom-syntax-files.js';
import { RawDicomClient } from '../../../test/support/dicom-raw-client.js';
import { waitFor } from '../../../test/support/wait-for.js';
import { DicomReceiver, STORE_STATUS, type InstanceHandler, type ReceivedInstance } from './dicom-receiver.js';
import { MEMORY_LIMIT_BYTES } from './instance-file-writer.js';

const exec = promisify(execFile);
const MR = '1.2.840.10008.5.1.4.1.1.4';

/** Runs a dcmtk tool; resolves with its exit code and everything it printed (never rejects). */
async function dcmtk(tool: 'storescu' | 'echoscu', args: readonly string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await exec(tool, args, { env: { ...process.env, TCP_NODELAY: '1' }, maxBuffer: 32 * 1024 * 1024 });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

interface Received extends Omit<ReceivedInstance, 'file'> {
  readonly bytes: Buffer;
  readonly file: string;
}

/** A receiver on a free loopback port whose handler is replaceable per test. */
async function startReceiver(tempDir: string, handler: InstanceHandler, aeTitles = [{ title: 'XNAT', project: null as string | null }, { title: 'SCANNER1', project: 'PROJ1' }]) {
  const logged: string[] = [];
  const receiver = new DicomReceiver({ config: { enabled: true, host: '127.0.0.1', port: 0, aeTitles }, tempDir, log: (m) => logged.push(m) }, handler);
  await receiver.start();
  return { receiver, logged };
}

/** A handler that keeps what it was given (bytes and call details) and removes the file, as the real one moves it. */
function recordingHandler(): { handler: InstanceHandler; received: Received[] } {
  const received: Received[] = [];
  return {
    received,
    handler: async (instance) => {
      received.push({ ...instance, bytes: await fs.readFile(instance.file) });
      await fs.rm(instance.file);
      return { status: 'stored' };
    },
  };
}

async function readPydicom(file: string): Promise<Record<string, string>> {
  const script = `
import json, sys, pydicom
ds = pydicom.dcmread(sys.argv[1])
m = ds.file_meta
print(json.dumps({'ts': m.TransferSyntaxUID, 'sop': m.MediaStorageSOPInstanceUID, 'cls': m.MediaStorageSOPClassUID,
  'source': m.get('SourceApplicationEntityTitle', ''), 'dsSop': ds.SOPInstanceUID, 'rows': str(ds.Rows), 'pixels': str(len(ds.PixelData))}))`;
  const { stdout } = await exec('/usr/bin/python3', ['-c', script, file]);
  return JSON.parse(stdout) as Record<string, string>;
}

describe('DICOM receiver', () => {
  let dir: string;
  let tempDir: string;
  let files: string[];

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'xnat-ts-receiver-'));
    tempDir = path.join(dir, 'tmp');
    files = await writeDicomFiles(path.join(dir, 'in'), [{
      patientId: 'P1', patientName: 'TEST^ONE',
      series: [
        { number: 1, description: 'explicit LE', instances: 3 },
        { number: 2, description: 'implicit LE', instances: 2, transferSyntax: TRANSFER_SYNTAX.implicitLittle },
        { number: 3, description: 'explicit BE', instances: 2, transferSyntax: TRANSFER_SYNTAX.explicitBig },
        { number: 4, description: 'RLE', instances: 2, transferSyntax: TRANSFER_SYNTAX.rle },
        { number: 5, description: 'deflated', instances: 1, transferSyntax: TRANSFER_SYNTAX.deflated },
        { number: 6, description: 'CT', instances: 1, modality: 'CT', sopClassUid: '1.2.840.10008.5.1.4.1.1.2' },
      ],
    }]);
  });
  after(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('answers C-ECHO on a configured AE title, and says where it listens', async () => {
    const { receiver } = await startReceiver(tempDir, recordingHandler().handler);
    try {
      assert.equal(receiver.describe(), `DICOM receiver: 127.0.0.1:${receiver.port}, AE titles XNAT, SCANNER1 (project PROJ1)`);
      const echo = await dcmtk('echoscu', ['-aec', 'XNAT', '127.0.0.1', String(receiver.port)]);
      assert.equal(echo.code, 0, echo.output);
    } finally {
      await receiver.stop();
    }
  });

  it('stores every instance byte for byte behind a Part 10 header, in every transfer syntax sent', async () => {
    const { handler, received } = recordingHandler();
    const { receiver } = await startReceiver(tempDir, handler);
    // storescu converts between syntaxes unless told which one to propose first, so each syntax is its own run.
    const runs: [string, readonly string[]][] = [
      ['-xe', files.filter((f) => /\/s[16]_/.test(f))], ['-xi', files.filter((f) => /\/s2_/.test(f))],
      ['-xb', files.filter((f) => /\/s3_/.test(f))], ['-xr', files.filter((f) => /\/s4_/.test(f))], ['-xd', files.filter((f) => /\/s5_/.test(f))],
    ];
    try {
      for (const [proposal, batch] of runs) {
        const store = await dcmtk('storescu', [proposal, '-aec', 'XNAT', '-aet', 'MODALITY7', '127.0.0.1', String(receiver.port), ...batch]);
        assert.equal(store.code, 0, store.output);
      }
    } finally {
      await receiver.stop();
    }
    assert.equal(received.length, files.length);
    const originals = new Map<string, Buffer>();
    for (const file of files) {
      const meta = await readPydicom(file);
      originals.set(meta.sop as string, await fs.readFile(file));
    }
    for (const instance of received) {
      assert.equal(instance.callingAe, 'MODALITY7');
      assert.equal(instance.calledAe, 'XNAT');
      assert.equal(instance.project, null);
      assert.match(instance.remoteAddress, /127\.0\.0\.1/);
      assert.equal(path.dirname(instance.file), tempDir);
      const copy = path.join(dir, 'copy.dcm');
      await fs.writeFile(copy, instance.bytes);
      const meta = await readPydicom(copy);
      const original = originals.get(meta.sop as string);
      assert.ok(original, `an instance nobody sent: ${meta.sop}`);
      assert.equal(meta.dsSop, meta.sop);
      assert.equal(meta.source, 'MODALITY7');
      assert.ok(datasetBytes(instance.bytes).equals(datasetBytes(original)), `dataset of ${meta.sop} differs`);
    }
    // Each transfer syntax arrived as sent (no transcoding).
    const syntaxes = new Set<string>();
    for (const instance of received) {
      const copy = path.join(dir, 'copy.dcm');
      await fs.writeFile(copy, instance.bytes);
      syntaxes.add((await readPydicom(copy)).ts as string);
    }
    assert.deepEqual([...syntaxes].sort(), Object.values(TRANSFER_SYNTAX).sort());
    assert.deepEqual(await fs.readdir(tempDir), []);
  });

  it('tells the handler which project the called AE title is bound to', async () => {
    const { handler, received } = recordingHandler();
    const { receiver } = await startReceiver(tempDir, handler);
    try {
      const store = await dcmtk('storescu', ['-aec', 'SCANNER1', '127.0.0.1', String(receiver.port), files[0] as string]);
      assert.equal(store.code, 0, store.output);
    } finally {
      await receiver.stop();
    }
    assert.deepEqual(received.map((r) => [r.calledAe, r.project]), [['SCANNER1', 'PROJ1']]);
  });

  it('rejects an association whose called AE title is not configured, before any data', async () => {
    const { handler, received } = recordingHandler();
    const { receiver, logged } = await startReceiver(tempDir, handler);
    try {
      const echo = await dcmtk('echoscu', ['-aec', 'NOTXNAT', '127.0.0.1', String(receiver.port)]);
      assert.notEqual(echo.code, 0);
      assert.match(echo.output, /Called AE Title Not Recognized/i);
      const store = await dcmtk('storescu', ['-aec', 'NOTXNAT', '127.0.0.1', String(receiver.port), files[0] as string]);
      assert.notEqual(store.code, 0);
      assert.match(store.output, /Association Rejected[\s\S]*Called AE Title Not Recognized/i);
    } finally {
      await receiver.stop();
    }
    assert.equal(received.length, 0);
    assert.ok(logged.some((m) => m.includes("called AE title not recognized: 'NOTXNAT'")), logged.join('\n'));
  });

  it('answers 0xC000 with the reason when the handler refuses an instance, and removes the file', async () => {
    const given: string[] = [];
    const { receiver } = await startReceiver(tempDir, async (instance) => {
      given.push(instance.file);
      return { status: 'refused', reason: 'no project matches this study' };
    });
    try {
      const store = await dcmtk('storescu', ['-d', '-aec', 'XNAT', '127.0.0.1', String(receiver.port), files[0] as string]);
      assert.match(store.output, /DIMSE Status\s*:\s*0xc000/i, store.output);
      assert.match(store.output, /\(0000,0902\) LO \[no project matches this study\]/);
    } finally {
      await receiver.stop();
    }
    assert.equal(given.length, 1);
    await assert.rejects(fs.stat(given[0] as string), { code: 'ENOENT' });
  });

  it('answers 0xA700 when the handler fails, and removes the file', async () => {
    const given: string[] = [];
    const { receiver, logged } = await startReceiver(tempDir, async (instance) => {
      given.push(instance.file);
      throw new Error('database unavailable');
    });
    try {
      const store = await dcmtk('storescu', ['-d', '-aec', 'XNAT', '127.0.0.1', String(receiver.port), files[0] as string]);
      assert.match(store.output, /DIMSE Status\s*:\s*0xa700/i, store.output);
    } finally {
      await receiver.stop();
    }
    await assert.rejects(fs.stat(given[0] as string), { code: 'ENOENT' });
    assert.ok(logged.some((m) => m.includes('failed')));
  });

  it('accepts unknown storage SOP classes and refuses non-storage services and unknown transfer syntaxes', async () => {
    const { handler, received } = recordingHandler();
    const { receiver } = await startReceiver(tempDir, handler);
    try {
      const client = await RawDicomClient.connect(receiver.port);
      const reply = await client.associate('XNAT', [
        { id: 1, abstractSyntax: '1.2.840.10008.5.1.4.1.1.9999.1', transferSyntaxes: [TRANSFER_SYNTAX.explicitLittle] },
        { id: 3, abstractSyntax: '1.2.840.10008.5.1.4.1.2.2.1', transferSyntaxes: [TRANSFER_SYNTAX.implicitLittle] }, // study root C-FIND
        { id: 5, abstractSyntax: MR, transferSyntaxes: ['1.2.3.4.5.6'] },
        { id: 7, abstractSyntax: MR, transferSyntaxes: [TRANSFER_SYNTAX.implicitLittle, TRANSFER_SYNTAX.explicitLittle] },
        { id: 9, abstractSyntax: '1.3.12.2.1107.5.9.1', transferSyntaxes: [TRANSFER_SYNTAX.implicitLittle] }, // Siemens CSA non-image
      ]);
      assert.ok(reply.accepted);
      assert.deepEqual([...reply.contexts.entries()].sort((a, b) => a[0] - b[0]).map(([id, c]) => [id, c.result]),
        [[1, 0], [3, 3], [5, 4], [7, 0], [9, 0]]); // 0 accept, 3 abstract syntax not supported, 4 transfer syntaxes not supported
      assert.equal(reply.contexts.get(7)?.transferSyntax, TRANSFER_SYNTAX.implicitLittle, "the sender's first choice");
      const dataset = datasetBytes(await fs.readFile(files[0] as string));
      client.sendStore(1, '1.2.840.10008.5.1.4.1.1.9999.1', '1.2.3.999', dataset, true);
      assert.deepEqual(await client.readStoreResponse(), { status: STORE_STATUS.success, comment: '' });
      await client.release();
    } finally {
      await receiver.stop();
    }
    assert.equal(received.length, 1);
    assert.ok(datasetBytes(received[0]!.bytes).equals(datasetBytes(await fs.readFile(files[0] as string))));
  });

  it('stops at once when idle, and then refuses connections', async () => {
    const { receiver } = await startReceiver(tempDir, recordingHandler().handler);
    const port = receiver.port;
    const client = await RawDicomClient.connect(port); // an idle association-less connection
    await receiver.stop();
    await client.closed;
    await assert.rejects(RawDicomClient.connect(port), { code: 'ECONNREFUSED' });
  });

  it('on stop, lets a running handler answer before it aborts the association', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    const { receiver } = await startReceiver(tempDir, async (instance) => {
      calls++;
      await gate;
      await fs.rm(instance.file);
      return { status: 'stored' };
    });
    const client = await RawDicomClient.connect(receiver.port);
    const reply = await client.associate('XNAT', [{ id: 1, abstractSyntax: MR, transferSyntaxes: [TRANSFER_SYNTAX.explicitLittle] }]);
    assert.ok(reply.accepted);
    client.sendStore(1, MR, '1.2.3.1', datasetBytes(await fs.readFile(files[0] as string)), true);
    await waitFor(() => calls === 1);
    let stopped = false;
    const stopping = receiver.stop().then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(stopped, false, 'stop() must wait for the running handler');
    release();
    assert.deepEqual(await client.readStoreResponse(), { status: STORE_STATUS.success, comment: '' });
    await stopping;
    await client.closed;
    assert.deepEqual(await fs.readdir(tempDir), []);
  });

  it('on stop, drops a dataset still arriving and removes its partial file', async () => {
    const { handler, received } = recordingHandler();
    const { receiver } = await startReceiver(tempDir, handler);
    const client = await RawDicomClient.connect(receiver.port);
    const reply = await client.associate('XNAT', [{ id: 1, abstractSyntax: MR, transferSyntaxes: [TRANSFER_SYNTAX.explicitLittle] }]);
    assert.ok(reply.accepted);
    // More than the in-memory limit, so the partial dataset is on disk; the last fragment never comes.
    client.sendStore(1, MR, '1.2.3.2', Buffer.alloc(MEMORY_LIMIT_BYTES + 100_000, 1), false);
    await waitFor(async () => (await fs.readdir(tempDir)).length === 1);
    await receiver.stop();
    await client.closed;
    await waitFor(async () => (await fs.readdir(tempDir)).length === 0);
    assert.equal(received.length, 0);
  });

  it('fails to start with a clear message when the port is taken', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const receiver = new DicomReceiver({ config: { enabled: true, host: '127.0.0.1', port, aeTitles: [{ title: 'XNAT', project: null }] }, tempDir }, recordingHandler().handler);
      await assert.rejects(receiver.start(), new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: the port is already in use`));
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
