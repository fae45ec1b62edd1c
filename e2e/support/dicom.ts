import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Writes small synthetic MR studies (no PHI) with Debian's pydicom: `{dir}/{study}/{series}/{n}.dcm`. */
export async function writeStudies(dir: string, options: { studies: number; series: number; instances: number }): Promise<void> {
  const script = `
import os, sys
import numpy as np
from pydicom.dataset import FileDataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, MRImageStorage, generate_uid
out, studies, series, instances = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
for st in range(studies):
    study = generate_uid()
    for se in range(series):
        series_uid = generate_uid()
        folder = os.path.join(out, f"study{st + 1}", f"series{se + 1}")
        os.makedirs(folder, exist_ok=True)
        for n in range(instances):
            meta = FileMetaDataset()
            meta.MediaStorageSOPClassUID = MRImageStorage
            meta.MediaStorageSOPInstanceUID = generate_uid()
            meta.TransferSyntaxUID = ExplicitVRLittleEndian
            ds = FileDataset(None, {}, file_meta=meta, preamble=b"\\0" * 128)
            ds.SOPClassUID = MRImageStorage
            ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
            ds.StudyInstanceUID = study
            ds.SeriesInstanceUID = series_uid
            ds.PatientName = f"TEST^SUBJECT{st + 1}"
            ds.PatientID = f"SUBJ{st + 1}"
            ds.StudyDate = "20240304"
            ds.Modality = "MR"
            ds.SeriesNumber = se + 1
            ds.InstanceNumber = n + 1
            ds.SeriesDescription = f"series {se + 1}"
            ds.Rows = ds.Columns = 32
            ds.BitsAllocated = ds.BitsStored = 16
            ds.HighBit = 15
            ds.PixelRepresentation = 0
            ds.SamplesPerPixel = 1
            ds.PhotometricInterpretation = "MONOCHROME2"
            ds.PixelData = (np.arange(32 * 32, dtype=np.uint16) + n).tobytes()
            ds.is_little_endian = True
            ds.is_implicit_VR = False
            ds.save_as(os.path.join(folder, f"{n + 1}.dcm"), write_like_original=False)
`;
  await run('/usr/bin/python3', ['-c', script, dir, String(options.studies), String(options.series), String(options.instances)]);
}
