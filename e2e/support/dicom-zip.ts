import { dicomZip, type ZipExtra } from '../../server/test/support/dicom-files.js';

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

/**
 * A zip of a generated DICOM study (synthetic, written by Debian's pydicom), as a scanner export would
 * be uploaded; `extras` adds other entries (a stray text file).
 */
export function makeDicomZip(spec: StudySpec, extras: readonly ZipExtra[] = []): Promise<Buffer> {
  return dicomZip([{ studyUid: spec.studyUid, patientId: spec.patientId, patientName: spec.patientName, series: spec.series, size: spec.size ?? 8 }], extras);
}
