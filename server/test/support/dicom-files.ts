import { spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import yazl from 'yazl';

/** One generated series; `tags` are pydicom keywords set on every instance (PatientComments, StudyDescription...). */
export interface SeriesSpec {
  readonly number: number | string;
  readonly description?: string;
  readonly instances: number;
  readonly modality?: string;
  readonly uid?: string;
}

export interface StudySpec {
  readonly studyUid: string;
  readonly patientName?: string;
  readonly patientId?: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly series: readonly SeriesSpec[];
  /** Pixel rows and columns. */
  readonly size?: number;
  /** Fixed SOP Instance UIDs (`{prefix}.{series}.{n}`) so the same study can be generated twice identically. */
  readonly sopPrefix?: string;
}

// Synthetic images written by Debian's pydicom: no real data, nothing committed.
const SCRIPT = `
import json, sys, os
from pydicom.dataset import FileDataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid
spec = json.loads(sys.argv[1]); out = sys.argv[2]; n = spec.get('size', 4)
for st in spec['studies']:
    for si, s in enumerate(st['series']):
        series_uid = s.get('uid') or generate_uid()
        mod = s.get('modality', 'MR')
        cls = {'MR': '1.2.840.10008.5.1.4.1.1.4', 'CT': '1.2.840.10008.5.1.4.1.1.2', 'PT': '1.2.840.10008.5.1.4.1.1.128'}.get(mod, '1.2.840.10008.5.1.4.1.1.7')
        for i in range(1, s['instances'] + 1):
            meta = FileMetaDataset()
            meta.MediaStorageSOPClassUID = cls
            meta.MediaStorageSOPInstanceUID = (st['sopPrefix'] + '.' + str(s['number']) + '.' + str(i)) if st.get('sopPrefix') else generate_uid()
            meta.TransferSyntaxUID = ExplicitVRLittleEndian
            ds = FileDataset(None, {}, file_meta=meta, preamble=b'\\0' * 128)
            ds.SOPClassUID = cls; ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
            ds.StudyInstanceUID = st['studyUid']; ds.SeriesInstanceUID = series_uid
            if st.get('patientName') is not None: ds.PatientName = st['patientName']
            if st.get('patientId') is not None: ds.PatientID = st['patientId']
            ds.SeriesNumber = s['number']; ds.InstanceNumber = i
            if s.get('description'): ds.SeriesDescription = s['description']
            ds.Modality = mod; ds.StudyDate = '20240301'; ds.StudyTime = '101500'
            ds.Manufacturer = 'ACME'; ds.ManufacturerModelName = 'Model 3T'; ds.StationName = 'SCANNER1'
            for k, v in (st.get('tags') or {}).items(): setattr(ds, k, v)
            ds.Rows = n; ds.Columns = n; ds.BitsAllocated = 16; ds.BitsStored = 16; ds.HighBit = 15; ds.PixelRepresentation = 0
            ds.SamplesPerPixel = 1; ds.PhotometricInterpretation = 'MONOCHROME2'; ds.PixelData = os.urandom(n * n * 2)
            ds.is_little_endian = True; ds.is_implicit_VR = False
            name = '%s_%02d_s%s_%04d.dcm' % (st['studyUid'][-6:], si, s['number'], i)
            ds.save_as(os.path.join(out, name), write_like_original=False)
`;

/** Writes the studies' instances as files into a new temp folder; returns the folder and the file names. */
export async function writeDicomStudies(studies: readonly StudySpec[], options: { size?: number } = {}): Promise<{ dir: string; files: string[] }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'xnat-ts-dicom-'));
  const r = spawnSync('/usr/bin/python3', ['-c', SCRIPT, JSON.stringify({ studies, size: options.size ?? studies[0]?.size ?? 4 }), dir], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`pydicom could not write the test study (apt-get install -y python3-pydicom): ${r.stderr}`);
  return { dir, files: (await fs.readdir(dir)).sort() };
}

export interface ZipExtra {
  readonly name: string;
  readonly content: Buffer | string;
}

/** A zip of generated studies (under `export/`), with extra entries if wanted (non-DICOM files). */
export async function dicomZip(studies: readonly StudySpec[], extras: readonly ZipExtra[] = []): Promise<Buffer> {
  const { dir, files } = await writeDicomStudies(studies);
  try {
    const zip = new yazl.ZipFile();
    for (const name of files) zip.addBuffer(await fs.readFile(path.join(dir, name)), `export/${name}`);
    for (const e of extras) zip.addBuffer(Buffer.isBuffer(e.content) ? e.content : Buffer.from(e.content), e.name);
    zip.end();
    const chunks: Buffer[] = [];
    for await (const chunk of zip.outputStream as AsyncIterable<Buffer>) chunks.push(chunk);
    return Buffer.concat(chunks);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
