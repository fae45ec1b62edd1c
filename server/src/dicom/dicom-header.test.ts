import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { writeDicom, type ElementSpec } from '../../test/support/pydicom.js';
import { parseDicomHeader, parseHeader, readDicomHeader, type DicomHeader } from './dicom-header.js';
import { walkHeader } from './element-walker.js';

const NAMED: (keyof DicomHeader)[] = ['sopClassUid', 'sopInstanceUid', 'studyInstanceUid', 'seriesInstanceUid', 'seriesNumber', 'seriesDescription', 'modality',
  'studyDate', 'studyTime', 'seriesTime', 'manufacturer', 'modelName', 'stationName', 'institutionName', 'accessionNumber', 'patientName', 'patientId',
  'protocolName', 'frames', 'transferSyntaxUid'];
const TAGS = ['00104000', '00324000', '001021B0', '00081030', '00080050', '00100010', '00100020', '00200011', '00091010', '00280010', '00080005'];

const base: ElementSpec[] = [
  ['00080016', 'UI', '1.2.840.10008.5.1.4.1.1.4'], ['00080018', 'UI', '1.2.3.4.5.6'], ['0020000D', 'UI', '1.2.3.4'], ['0020000E', 'UI', '1.2.3.4.5'],
  ['00200011', 'IS', '7'], ['0008103E', 'LO', 'T1 MPRAGE '], ['00080060', 'CS', 'MR'], ['00080020', 'DA', '20240301'], ['00080030', 'TM', '101500.5'],
  ['00080070', 'LO', 'ACME'], ['00081090', 'LO', 'Model 3T'], ['00081010', 'SH', 'SCANNER1'], ['00080080', 'LO', 'General Hospital'],
  ['00080050', 'SH', 'ACC1'], ['00100010', 'PN', 'DOE^JANE^^DR=ドウ^ジェーン'], ['00100020', 'LO', 'MRN1'], ['00181030', 'LO', 'protocol A'],
  ['00104000', 'LT', 'Project: P1 Subject: S1 Session: S1_MR1'], ['00081030', 'LO', 'xnat://P1/S1/S1_MR1'],
  ['00091010', 'LO', 'private value'],
  ['00081140', 'SQ', [[['00081150', 'UI', '1.2.840.10008.5.1.4.1.1.4'], ['00081155', 'UI', '9.9.9'], ['00081199', 'SQ', [[['00081150', 'UI', '1.1']]]]]]],
  ['00324000', 'LT', 'after the sequence'], ['00280008', 'IS', '3'],
];

describe('reading DICOM headers quickly', () => {
  let dir: string;
  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'xnat-ts-header-'));
  });
  after(() => fs.rm(dir, { recursive: true, force: true }));

  for (const implicit of [false, true]) {
    test(`the element walker reads what dcmjs reads (${implicit ? 'implicit' : 'explicit'} VR, sequences, private tags, person names)`, async () => {
      const file = path.join(dir, `h-${implicit}.dcm`);
      await writeDicom(file, { implicit, elements: [['00080005', 'CS', 'ISO_IR 192'], ...base], pixels: [8, 8] });
      const bytes = await fs.readFile(file);
      const walked = walkHeader(bytes, true);
      assert.ok(walked && walked !== 'incomplete', 'the walker understands the file');
      const fast = parseDicomHeader(bytes) as DicomHeader;
      const slow = parseHeader(bytes) as DicomHeader;
      for (const key of NAMED) assert.deepEqual(fast[key], slow[key], key);
      // dcmjs cannot read a private tag without its VR (implicit VR); the walker reads it as text, which routing rules can use.
      for (const tag of TAGS.filter((t) => !(implicit && t === '00091010'))) assert.equal(fast.text(tag), slow.text(tag), tag);
      assert.equal(fast.text('00091010'), 'private value');
      assert.equal(fast.patientName, 'DOE^JANE^^DR');
      assert.equal(fast.text('00324000'), 'after the sequence');
      assert.equal(fast.frames, 3);
      assert.equal(fast.text('00081155'), undefined, 'values inside sequences are not top-level values');
    });
  }

  test('a header cut short is incomplete, and the file is then read whole', async () => {
    const file = path.join(dir, 'long.dcm');
    await writeDicom(file, { elements: [...base, ['00291010', 'OB', 'x'.repeat(300_000)], ['00400254', 'LO', 'after a big private block']], pixels: [8, 8] });
    const bytes = await fs.readFile(file);
    assert.equal(walkHeader(bytes.subarray(0, 256 * 1024), false), 'incomplete');
    assert.equal(parseDicomHeader(bytes.subarray(0, 256 * 1024), false), undefined);
    const header = await readDicomHeader(file);
    assert.equal(header?.text('00400254'), 'after a big private block');
  });

  test('what is not DICOM is undefined', async () => {
    assert.equal(parseDicomHeader(Buffer.from('not dicom at all')), undefined);
    const file = path.join(dir, 'text.txt');
    await fs.writeFile(file, 'x'.repeat(500));
    assert.equal(await readDicomHeader(file), undefined);
  });
});
