import { spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import yazl from 'yazl';

export interface SeriesSpec {
  readonly number: number;
  readonly description: string;
  readonly instances: number;
}

export interface StudySpec {
  readonly patientId: string;
  readonly patientName: string;
  readonly studyUid: string;
  readonly series: readonly SeriesSpec[];
  /** Pixel rows and columns (bigger images make bigger uploads). */
  readonly size?: number;
}

// Tiny synthetic MR images written by Debian's pydicom; no real data, nothing committed.
const SCRIPT = `
import json, sys, os
import pydicom
from pydicom.dataset import Dataset, FileDataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid
spec = json.loads(sys.argv[1]); out = sys.argv[2]; n = spec.get('size', 8)
for s in spec['series']:
    series_uid = generate_uid()
    for i in range(1, s['instances'] + 1):
        meta = FileMetaDataset()
        meta.MediaStorageSOPClassUID = '1.2.840.10008.5.1.4.1.1.4'
        meta.MediaStorageSOPInstanceUID = generate_uid()
        meta.TransferSyntaxUID = ExplicitVRLittleEndian
        ds = FileDataset(None, {}, file_meta=meta, preamble=b'\\0' * 128)
        ds.SOPClassUID = meta.MediaStorageSOPClassUID; ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
        ds.PatientID = spec['patientId']; ds.PatientName = spec['patientName']; ds.StudyInstanceUID = spec['studyUid']
        ds.SeriesInstanceUID = series_uid; ds.SeriesNumber = s['number']; ds.SeriesDescription = s['description']; ds.InstanceNumber = i
        ds.Modality = 'MR'; ds.StudyDate = '20240301'; ds.StudyTime = '101500'
        ds.Rows = n; ds.Columns = n; ds.BitsAllocated = 16; ds.BitsStored = 16; ds.HighBit = 15; ds.PixelRepresentation = 0
        ds.SamplesPerPixel = 1; ds.PhotometricInterpretation = 'MONOCHROME2'; ds.PixelData = os.urandom(n * n * 2)
        ds.is_little_endian = True; ds.is_implicit_VR = False
        ds.save_as(os.path.join(out, 's%d_%04d.dcm' % (s['number'], i)), write_like_original=False)
`;

/** A zip of a generated DICOM study, as a scanner export would be uploaded. */
export async function makeDicomZip(spec: StudySpec): Promise<Buffer> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'xnat-ts-dicom-'));
  try {
    const r = spawnSync('/usr/bin/python3', ['-c', SCRIPT, JSON.stringify(spec), dir], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`pydicom could not write the test study (apt-get install -y python3-pydicom): ${r.stderr}`);
    const zip = new yazl.ZipFile();
    for (const name of (await fs.readdir(dir)).sort()) zip.addBuffer(await fs.readFile(path.join(dir, name)), `export/${name}`);
    zip.end();
    const chunks: Buffer[] = [];
    for await (const chunk of zip.outputStream as AsyncIterable<Buffer>) chunks.push(chunk);
    return Buffer.concat(chunks);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
