import { parseDicomHeader, readDicomHeader, type DicomHeader } from './dicom-header.js';

export { HEAD_BYTES, isDicom } from './dicom-header.js';

/** The few header values that decide which session and series an instance belongs to (what `xnat-ts upload` shows). */
export interface DicomSummary {
  readonly studyInstanceUid: string;
  readonly seriesInstanceUid: string;
  readonly sopInstanceUid: string;
  readonly seriesNumber: string;
  readonly modality: string;
  readonly patientName: string;
  readonly patientId: string;
  readonly studyDate: string;
  readonly studyDescription: string;
}

/** The summary of a Part 10 file, or undefined for anything that is not DICOM (or lacks its UIDs). */
export async function readDicomSummary(file: string): Promise<DicomSummary | undefined> {
  return summaryOf(await readDicomHeader(file));
}

/** The summary of DICOM bytes (a whole file, or its start up to past the header); undefined if not DICOM. */
export function parseDicomSummary(bytes: Buffer): DicomSummary | undefined {
  return summaryOf(parseDicomHeader(bytes));
}

function summaryOf(h: DicomHeader | undefined): DicomSummary | undefined {
  if (!h || !h.studyInstanceUid || !h.sopInstanceUid) return undefined;
  return {
    studyInstanceUid: h.studyInstanceUid, seriesInstanceUid: h.seriesInstanceUid, sopInstanceUid: h.sopInstanceUid, seriesNumber: h.seriesNumber,
    modality: h.modality, patientName: h.patientName, patientId: h.patientId, studyDate: h.studyDate, studyDescription: h.text('00081030') ?? '',
  };
}
