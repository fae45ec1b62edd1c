import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const TRANSFER_SYNTAX = {
  implicitLittle: '1.2.840.10008.1.2',
  explicitLittle: '1.2.840.10008.1.2.1',
  explicitBig: '1.2.840.10008.1.2.2',
  deflated: '1.2.840.10008.1.2.1.99',
  rle: '1.2.840.10008.1.2.5',
} as const;

export interface SeriesFiles {
  readonly number: number;
  readonly description: string;
  readonly instances: number;
  /** Transfer syntax UID; Explicit VR Little Endian unless said. */
  readonly transferSyntax?: string;
  readonly modality?: string;
  /** SOP class UID; MR Image Storage unless said. */
  readonly sopClassUid?: string;
}

export interface StudyFiles {
  readonly patientId: string;
  readonly patientName: string;
  readonly studyUid?: string;
  /** Patient Comments (0010,4000), e.g. `Project: P1 Subject: S1 Session: S1_MR1`. */
  readonly patientComments?: string;
  readonly studyDescription?: string;
  readonly series: readonly SeriesFiles[];
  /** Pixel rows and columns (16-bit); 16 unless said. */
  readonly size?: number;
}

// Synthetic images (random pixels, no PHI) written by Debian's pydicom.
const SCRIPT = `
import json, os, sys, zlib
import numpy as np
from pydicom.dataset import FileDataset, FileMetaDataset
from pydicom.filewriter import dcmwrite
from pydicom.uid import generate_uid, RLELossless
spec = json.loads(sys.argv[1]); out = sys.argv[2]
rng = np.random.default_rng()
written = []
for st_index, st in enumerate(spec['studies']):
    study_uid = st.get('studyUid') or generate_uid()
    n = st.get('size', 16)
    folder = os.path.join(out, 'study%d' % (st_index + 1))
    os.makedirs(folder, exist_ok=True)
    for se in st['series']:
        series_uid = generate_uid()
        ts = se.get('transferSyntax', '1.2.840.10008.1.2.1')
        for i in range(1, se['instances'] + 1):
            meta = FileMetaDataset()
            meta.MediaStorageSOPClassUID = se.get('sopClassUid', '1.2.840.10008.5.1.4.1.1.4')
            meta.MediaStorageSOPInstanceUID = generate_uid()
            meta.TransferSyntaxUID = '1.2.840.10008.1.2.1' if ts == RLELossless else ts
            ds = FileDataset(None, {}, file_meta=meta, preamble=b'\\0' * 128)
            ds.SOPClassUID = meta.MediaStorageSOPClassUID; ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
            ds.PatientID = st['patientId']; ds.PatientName = st['patientName']; ds.StudyInstanceUID = study_uid
            if st.get('patientComments'): ds.PatientComments = st['patientComments']
            if st.get('studyDescription'): ds.StudyDescription = st['studyDescription']
            ds.StudyDate = '20240301'; ds.StudyTime = '101500'; ds.StudyID = '1'
            ds.SeriesInstanceUID = series_uid; ds.SeriesNumber = se['number']; ds.SeriesDescription = se['description']
            ds.InstanceNumber = i; ds.Modality = se.get('modality', 'MR')
            ds.Rows = n; ds.Columns = n; ds.BitsAllocated = 16; ds.BitsStored = 16; ds.HighBit = 15; ds.PixelRepresentation = 0
            ds.SamplesPerPixel = 1; ds.PhotometricInterpretation = 'MONOCHROME2'
            pixels = rng.integers(0, 4096, size=(n, n), dtype=np.uint16)
            ds.is_implicit_VR = ts == '1.2.840.10008.1.2'
            ds.is_little_endian = ts != '1.2.840.10008.1.2.2'
            if ts == RLELossless:
                ds.PixelData = pixels.tobytes(); ds.compress(RLELossless)
            else:
                ds.PixelData = pixels.astype('>u2' if ts == '1.2.840.10008.1.2.2' else '<u2').tobytes()
            name = os.path.join(folder, 's%d_%04d.dcm' % (se['number'], i))
            ds.save_as(name, write_like_original=False)
            written.append(name)
print(json.dumps(written))
`;

/**
 * Writes synthetic studies into `dir` (`study1/s{series}_{n}.dcm`, ...) and returns the file paths in order.
 * Needs Debian's python3-pydicom (`/usr/bin/python3`).
 */
export async function writeDicomFiles(dir: string, studies: readonly StudyFiles[]): Promise<string[]> {
  try {
    const { stdout } = await run('/usr/bin/python3', ['-c', SCRIPT, JSON.stringify({ studies }), dir], { maxBuffer: 64 * 1024 * 1024 });
    return JSON.parse(stdout) as string[];
  } catch (error) {
    const stderr = String((error as { stderr?: string }).stderr ?? (error as Error).message).trim().split('\n').slice(-3).join('\n');
    throw new Error(`pydicom could not write the test DICOM files (apt-get install -y python3-pydicom): ${stderr}`);
  }
}

/** The dataset of a Part 10 file: the bytes after the file meta group (whose length its first element gives). */
export function datasetBytes(file: Buffer): Buffer {
  if (file.toString('latin1', 128, 132) !== 'DICM') throw new Error('not a DICOM Part 10 file');
  const groupLength = file.readUInt32LE(140);
  return file.subarray(144 + groupLength);
}
