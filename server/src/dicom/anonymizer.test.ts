import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dumpDicom, writeDicom, type DicomDump, type ElementSpec, type JsonElement } from '../../test/support/pydicom.js';
import { hashUid, parseAnonymizationScript } from '../domain/anonymization-script.js';
import { AppError } from '../domain/errors.js';
import { anonymizeBytes, anonymizeFile } from './anonymizer.js';

const CONTEXT = { project: 'PRJ1', subject: 'SUBJ_01', session: 'SUBJ_01_MR1' };
const STUDY_UID = '1.2.826.0.1.3680043.8.498.10001';

function elements(instance: number): ElementSpec[] {
  return [
    ['00080016', 'UI', '1.2.840.10008.5.1.4.1.1.4'],
    ['00080018', 'UI', `1.2.826.0.1.3680043.8.498.20001.${instance}`],
    ['00080020', 'DA', '20240105'],
    ['00080050', 'SH', 'ACC123'],
    ['00080060', 'CS', 'MR'],
    ['00080080', 'LO', 'General Hospital'],
    ['00080090', 'PN', 'HOUSE^GREGORY'],
    ['00081030', 'LO', 'BRAIN W/O'],
    ['00081110', 'SQ', [[['00081150', 'UI', '1.2.840.10008.3.1.2.3.1'], ['00081155', 'UI', '1.2.3.4.5'], ['00091001', 'LO', 'private in item']]]],
    ['00090010', 'LO', 'ACME'],
    ['00091001', 'LO', 'acme secret'],
    ['00100010', 'PN', 'DOE^JOHN'],
    ['00100020', 'LO', 'MRN0042'],
    ['00100030', 'DA', '19700101'],
    ['00101000', 'LO', 'JD-OLD'],
    ['00104000', 'LT', 'Project: X Subject: Y'],
    ['0020000D', 'UI', STUDY_UID],
    ['0020000E', 'UI', '1.2.826.0.1.3680043.8.498.30001'],
    ['00200011', 'IS', '3'],
    ['00280030', 'DS', [0.5, 0.75]],
    ['00290010', 'LO', 'SIEMENS CSA HEADER'],
    ['00291008', 'CS', 'IMAGE NUM 4'],
    ['00291010', 'OB', 'csa-bytes!'],
    ['00291110', 'LO', 'more'],
  ];
}

const SCRIPT = `version "6.1"
// remove identifiers
-(0010,1000)
-(0010,0030)
-(0029,xxxx)
(0010,0010) := subject
(0010,0020) := $session
(0008,0050) := project
(0008,1030) := "Study of \\"brain\\""
(0008,0080) := ""
blank (0008,0090)
(0020,000D) := hashUID[(0020,000D)]
(0008,0018) := hashUID[(0008,0018)]
(0008,1155) := hashUID[(0008,1155)]
-(0018,1000)
(0020,0010) := "STUDY1"
(0012,0062) := "YES"
(0009,1002) := "nope"
`;

describe('anonymizeFile', () => {
  let dir: string;
  before(async () => { dir = await fs.mkdtemp(path.join(os.tmpdir(), 'anonymizer-test-')); });
  after(() => fs.rm(dir, { recursive: true, force: true }));

  async function roundTrip(name: string, script: string, options: { implicit?: boolean; instance?: number; extra?: ElementSpec[] } = {}): Promise<{ before: DicomDump; after: DicomDump }> {
    const input = path.join(dir, `${name}-in.dcm`);
    const output = path.join(dir, `${name}-out.dcm`);
    await writeDicom(input, { implicit: options.implicit, elements: [...elements(options.instance ?? 1), ...(options.extra ?? [])], pixels: [8, 6] });
    await anonymizeFile(input, output, [parseAnonymizationScript(script, 'test script')], CONTEXT);
    return { before: await dumpDicom(input), after: await dumpDicom(output) };
  }

  /** Asserts the dataset changed exactly as listed (undefined = deleted) and every other element is identical. */
  function assertChanges(before: Record<string, JsonElement>, after: Record<string, JsonElement>, changes: Record<string, JsonElement | undefined>) {
    for (const [tag, expected] of Object.entries(changes)) assert.deepEqual(after[tag], expected, `element ${tag}`);
    const untouched = (d: Record<string, JsonElement>) => Object.fromEntries(Object.entries(d).filter(([tag]) => !(tag in changes)));
    assert.deepEqual(untouched(after), untouched(before));
  }

  for (const implicit of [false, true]) {
    it(`applies every statement kind and leaves everything else identical (${implicit ? 'implicit' : 'explicit'} VR)`, async () => {
      const { before, after } = await roundTrip(`all-${implicit}`, SCRIPT, { implicit });
      const item = before.dataset['00081110']?.Value?.[0] as Record<string, JsonElement>;
      assertChanges(before.dataset, after.dataset, {
        '00101000': undefined,
        '00100030': undefined,
        '00290010': undefined,
        '00291008': undefined,
        '00291010': undefined,
        '00291110': undefined,
        '00100010': { vr: 'PN', Value: [{ Alphabetic: 'SUBJ_01' }] },
        '00100020': { vr: 'LO', Value: ['SUBJ_01_MR1'] },
        '00080050': { vr: 'SH', Value: ['PRJ1'] },
        '00081030': { vr: 'LO', Value: ['Study of "brain"'] },
        '00080080': { vr: 'LO' },
        '00080090': { vr: 'PN' },
        '0020000D': { vr: 'UI', Value: [hashUid(STUDY_UID)] },
        '00080018': { vr: 'UI', Value: [hashUid('1.2.826.0.1.3680043.8.498.20001.1')] },
        // Created with the dictionary VR; absent tags named by delete, hashUID or a private set change nothing.
        '00200010': { vr: 'SH', Value: ['STUDY1'] },
        '00120062': { vr: 'CS', Value: ['YES'] },
        // Statements apply to the top level only: the item's (0008,1155) is kept.
        '00081110': { vr: 'SQ', Value: [item] },
      });
      assert.equal(after.dataset['00091002'], undefined);
      assert.equal(after.dataset['7FE00010']?.BulkDataURI, before.dataset['7FE00010']?.BulkDataURI);
      assert.match(after.dataset['7FE00010']?.BulkDataURI ?? '', /^sha256:[0-9a-f]{64}$/);
      // The file meta follows the new SOP Instance UID; the rest of it is unchanged.
      assert.deepEqual(after.meta['00020003'], { vr: 'UI', Value: [hashUid('1.2.826.0.1.3680043.8.498.20001.1')] });
      assert.deepEqual(after.meta['00020010'], before.meta['00020010']);
      assert.deepEqual(after.meta['00020002'], before.meta['00020002']);
    });
  }

  it('gives every file of a study the same new Study UID and each instance its own valid SOP Instance UID', async () => {
    const script = '(0020,000D) := hashUID[(0020,000D)]\n(0008,0018) := hashUID[(0008,0018)]\n(0020,000E) := hashUID[(0020,000E)]';
    const a = (await roundTrip('hash-a', script, { instance: 1 })).after.dataset;
    const b = (await roundTrip('hash-b', script, { instance: 2 })).after.dataset;
    const uid = (d: Record<string, JsonElement>, tag: string) => d[tag]?.Value?.[0] as string;
    assert.equal(uid(a, '0020000D'), uid(b, '0020000D'));
    assert.equal(uid(a, '0020000E'), uid(b, '0020000E'));
    assert.notEqual(uid(a, '00080018'), uid(b, '00080018'));
    for (const d of [a, b]) {
      for (const tag of ['0020000D', '0020000E', '00080018']) {
        assert.match(uid(d, tag), /^2\.25\.[1-9][0-9]*$/);
        assert.ok(uid(d, tag).length <= 64);
      }
      assert.notEqual(uid(d, '0020000D'), STUDY_UID);
    }
  });

  it('removes every private tag, inside sequence items too, and keeps standard ones', async () => {
    const { before, after } = await roundTrip('private', 'removeAllPrivateTags');
    const item = { ...(before.dataset['00081110']?.Value?.[0] as Record<string, JsonElement>) };
    delete item['00091001'];
    assertChanges(before.dataset, after.dataset, {
      '00090010': undefined, '00091001': undefined, '00290010': undefined, '00291008': undefined, '00291010': undefined, '00291110': undefined,
      '00081110': { vr: 'SQ', Value: [item] },
    });
  });

  it('deletes by wildcard only the matching elements and never the pixel data', async () => {
    const { before, after } = await roundTrip('mask', '-(0029,10xx)\n-(7FEx,xxxx)\n-(0010,xxxx)');
    assertChanges(before.dataset, after.dataset, {
      '00291008': undefined, '00291010': undefined,
      '00100010': undefined, '00100020': undefined, '00100030': undefined, '00101000': undefined, '00104000': undefined,
    });
    assert.ok(after.dataset['00291110'] && after.dataset['7FE00010']);
  });

  it('copies values between tags, sets numbers and multi-values, and writes text into private tags of unknown VR', async () => {
    const script = '(0010,1001) := (0010,0010)\n(0028,0030) := "0.25\\\\0.5"\n(0020,0011) := "7"\n(0029,1110) := "odd"\n(0008,0008) := "DERIVED\\\\SECONDARY"';
    const { after } = await roundTrip('copy', script, { implicit: true, extra: [['00281050', 'DS', '40']] });
    assert.deepEqual(after.dataset['00101001'], { vr: 'PN', Value: [{ Alphabetic: 'DOE^JOHN' }] });
    assert.deepEqual(after.dataset['00280030'], { vr: 'DS', Value: [0.25, 0.5] });
    assert.deepEqual(after.dataset['00200011'], { vr: 'IS', Value: [7] });
    assert.deepEqual(after.dataset['00080008'], { vr: 'CS', Value: ['DERIVED', 'SECONDARY'] });
    // Implicit VR: the private element has no known VR, so its value is the text bytes (padded to even length).
    assert.equal(after.dataset['00291110']?.vr, 'UN');
    const bytes = Buffer.from('odd ', 'latin1');
    assert.equal(after.dataset['00291110']?.BulkDataURI, `sha256:${(await import('node:crypto')).createHash('sha256').update(bytes).digest('hex')}`);
  });

  it('applies scripts in order: a later script sees and overrides the earlier ones', async () => {
    const input = path.join(dir, 'order-in.dcm');
    const output = path.join(dir, 'order-out.dcm');
    await writeDicom(input, { elements: elements(1) });
    const site = parseAnonymizationScript('(0010,0010) := "SITE"\n(0008,0080) := "SITE"', 'site script');
    const project = parseAnonymizationScript('(0010,0010) := "PROJECT"\n(0010,0020) := (0008,0080)', 'project script');
    await anonymizeFile(input, output, [site, project], CONTEXT);
    const d = (await dumpDicom(output)).dataset;
    assert.deepEqual([d['00100010']?.Value, d['00100020']?.Value], [[{ Alphabetic: 'PROJECT' }], ['SITE']]);
  });

  it('carries encapsulated (compressed) pixel data over byte for byte, keeping the transfer syntax', async () => {
    const input = path.join(dir, 'jpeg-in.dcm');
    const output = path.join(dir, 'jpeg-out.dcm');
    await writeDicom(input, { elements: elements(1), pixels: [8, 8], encapsulated: true });
    await anonymizeFile(input, output, [parseAnonymizationScript('(0010,0010) := "X"\nremoveAllPrivateTags')], CONTEXT);
    const [a, b] = [await dumpDicom(input), await dumpDicom(output)];
    assert.deepEqual(b.meta['00020010'], { vr: 'UI', Value: ['1.2.840.10008.1.2.4.50'] });
    assert.match(a.dataset['7FE00010']?.BulkDataURI ?? '', /^sha256:/);
    assert.deepEqual(b.dataset['7FE00010'], a.dataset['7FE00010']);
    assert.deepEqual(b.dataset['00100010']?.Value, [{ Alphabetic: 'X' }]);
  });

  it('rewrites in place when output is the input', async () => {
    const file = path.join(dir, 'inplace.dcm');
    await writeDicom(file, { elements: elements(1), pixels: [4, 4] });
    const pixels = (await dumpDicom(file)).dataset['7FE00010'];
    await anonymizeFile(file, file, [parseAnonymizationScript('(0010,0010) := "X"')], CONTEXT);
    const d = (await dumpDicom(file)).dataset;
    assert.deepEqual(d['00100010']?.Value, [{ Alphabetic: 'X' }]);
    assert.deepEqual(d['7FE00010'], pixels);
  });

  it('refuses setting a binary element naming the script line, and files that are not DICOM, writing nothing', async () => {
    const input = path.join(dir, 'bin-in.dcm');
    const output = path.join(dir, 'bin-out.dcm');
    await writeDicom(input, { elements: elements(1) });
    await assert.rejects(anonymizeFile(input, output, [parseAnonymizationScript('-(0010,1000)\n(0029,1010) := "x"', 'project P1 script')], CONTEXT),
      (e: unknown) => e instanceof AppError && e.code === 'invalid_input' && /project P1 script line 2: cannot set \(0029,1010\): its VR OB holds binary data/.test(e.message));
    await assert.rejects(anonymizeFile(input, output, [parseAnonymizationScript('(0028,0010) := "tall"')], CONTEXT),
      (e: unknown) => e instanceof AppError && /line 1: cannot set \(0028,0010\): its VR US holds numbers, not 'tall'/.test(e.message));
    const text = path.join(dir, 'notes.txt');
    await fs.writeFile(text, 'not dicom');
    await assert.rejects(anonymizeFile(text, output, [], CONTEXT), (e: unknown) => e instanceof AppError && /not a readable DICOM file/.test(e.message));
    await assert.rejects(fs.stat(output), { code: 'ENOENT' });
  });

  it('rewrites bytes in memory the same way as files', async () => {
    const input = path.join(dir, 'bytes-in.dcm');
    const viaFile = path.join(dir, 'bytes-file.dcm');
    await writeDicom(input, { elements: elements(3), pixels: [4, 4] });
    const script = [parseAnonymizationScript(SCRIPT)];
    await anonymizeFile(input, viaFile, script, CONTEXT);
    const original = await fs.readFile(input);
    const inMemory = anonymizeBytes(original.subarray(0), script, CONTEXT);
    assert.ok(inMemory.equals(await fs.readFile(viaFile)));
    assert.ok(!inMemory.equals(original));
    assert.throws(() => anonymizeBytes(Buffer.from('nope'), script, CONTEXT, 'upload.bin'), /Cannot anonymize upload.bin: not a readable DICOM file/);
  });
});
