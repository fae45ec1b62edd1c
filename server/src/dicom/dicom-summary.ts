import fs from 'node:fs/promises';
import dcmjs from 'dcmjs';

/** The few header values that decide which session and series an instance belongs to. */
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

/** Headers are read from the first bytes only; a header longer than this is read from the whole file. */
export const HEAD_BYTES = 256 * 1024;
const PIXEL_DATA = '7FE00010';

interface DcmjsData {
  DicomMessage: { readFile(buffer: ArrayBuffer, options: Record<string, unknown>): { dict: unknown } };
  DicomMetaDictionary: { naturalizeDataset(dict: unknown): Record<string, unknown> };
}
const data = (dcmjs as unknown as { data: DcmjsData }).data;

/**
 * Reads a DICOM Part 10 file's header (stopping at the pixel data), or returns undefined for anything
 * that is not DICOM (no `DICM` marker, or an unreadable header).
 */
export async function readDicomSummary(file: string): Promise<DicomSummary | undefined> {
  const handle = await fs.open(file, 'r');
  let head: Buffer;
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
    head = buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  if (!isDicom(head)) return undefined;
  if (head.length < HEAD_BYTES) return parseDicomSummary(head);
  return parseDicomSummary(head) ?? parseDicomSummary(await fs.readFile(file));
}

/** The summary of DICOM bytes (a whole file, or its start up to past the header); undefined if not DICOM. */
export function parseDicomSummary(bytes: Buffer): DicomSummary | undefined {
  if (!isDicom(bytes)) return undefined;
  let dataset: Record<string, unknown>;
  try {
    const message = data.DicomMessage.readFile(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer, { untilTag: PIXEL_DATA, includeUntilTagValue: false });
    dataset = data.DicomMetaDictionary.naturalizeDataset(message.dict);
  } catch {
    return undefined;
  }
  const text = (v: unknown): string => {
    if (v === undefined || v === null) return '';
    if (Array.isArray(v)) return text(v[0]);
    if (typeof v === 'object') return String((v as { Alphabetic?: string }).Alphabetic ?? '');
    return String(v).trim();
  };
  const study = text(dataset.StudyInstanceUID);
  const sop = text(dataset.SOPInstanceUID);
  if (!study || !sop) return undefined;
  return {
    studyInstanceUid: study, seriesInstanceUid: text(dataset.SeriesInstanceUID), sopInstanceUid: sop, seriesNumber: text(dataset.SeriesNumber),
    modality: text(dataset.Modality), patientName: text(dataset.PatientName), patientId: text(dataset.PatientID), studyDate: text(dataset.StudyDate),
    studyDescription: text(dataset.StudyDescription),
  };
}

/** DICOM Part 10 files carry `DICM` after a 128-byte preamble. */
export function isDicom(bytes: Buffer): boolean {
  return bytes.length >= 132 && bytes.toString('latin1', 128, 132) === 'DICM';
}
