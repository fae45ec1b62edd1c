import fs from 'node:fs/promises';
import dcmjs from 'dcmjs';
import { walkHeader } from './element-walker.js';
import type { InstanceFacts } from '../domain/session-building.js';

/**
 * The header of one DICOM instance, read up to the pixel data: the values ingest needs by name,
 * and any tag by number for routing rules (`text('00104000')`).
 */
export interface DicomHeader extends InstanceFacts {
  readonly studyInstanceUid: string;
  readonly institutionName: string;
  readonly protocolName: string;
  readonly transferSyntaxUid: string;
  /** A tag's value as text ('GGGGEEEE', upper-case hex); multiple values joined with '\'; undefined when absent. */
  text(tag: string): string | undefined;
}

/** Headers are read from the first bytes only; a header longer than this is read from the whole file. */
export const HEAD_BYTES = 256 * 1024;

/** DICOM Part 10 files carry `DICM` after a 128-byte preamble. */
export function isDicom(bytes: Buffer): boolean {
  return bytes.length >= 132 && bytes.toString('latin1', 128, 132) === 'DICM';
}

interface Element {
  readonly vr?: string;
  readonly Value?: readonly unknown[];
}

interface DcmjsData {
  DicomMessage: { readFile(buffer: ArrayBuffer, options: Record<string, unknown>): { dict: Record<string, Element>; meta: Record<string, Element> } };
}
const data = (dcmjs as unknown as { data: DcmjsData }).data;

/** Reads the header of a Part 10 file; undefined when the file is not DICOM or its header cannot be read. */
export async function readDicomHeader(file: string): Promise<DicomHeader | undefined> {
  const handle = await fs.open(file, 'r');
  let head: Buffer;
  let size: number;
  try {
    size = (await handle.stat()).size;
    const buffer = Buffer.alloc(Math.min(HEAD_BYTES, size));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    head = buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  if (!isDicom(head)) return undefined;
  // A header longer than the first bytes (large private blocks) is read from the whole file.
  return parseDicomHeader(head, size <= head.length) ?? (size > head.length ? parseDicomHeader(await fs.readFile(file)) : undefined);
}

/** The pixel data tag (7FE0,0010) as little-endian bytes. */
const PIXEL_DATA_LE = Buffer.from([0xe0, 0x7f, 0x10, 0x00]);

/**
 * The header of DICOM bytes: the whole file, or (with `whole` false) its first bytes, in which case
 * undefined may also mean "the header runs past these bytes".
 */
export function parseDicomHeader(bytes: Buffer, whole = true): DicomHeader | undefined {
  if (!isDicom(bytes)) return undefined;
  const walked = walkHeader(bytes, whole);
  if (walked === 'incomplete') return undefined;
  if (walked) {
    const values = walked.values;
    return headerOf((tag) => {
      const v = values.get(tag);
      return v === undefined || v === '' ? undefined : v;
    });
  }
  // Parse a copy of the bytes before the pixel data only (the pattern may also occur inside an earlier
  // value: then the cut lands inside that value, the parse fails, and the whole buffer is parsed).
  const at = bytes.indexOf(PIXEL_DATA_LE, 132);
  if (at > 0 && at + 12 < bytes.length) return parseHeader(bytes.subarray(0, at + 12)) ?? parseHeader(bytes);
  return parseHeader(bytes);
}

/** The same header read by dcmjs (the fallback; exported for tests comparing the two). */
export function parseHeader(bytes: Buffer): DicomHeader | undefined {
  let dict: Record<string, Element>;
  let meta: Record<string, Element>;
  try {
    const message = data.DicomMessage.readFile(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer, { untilTag: '7FE00010', includeUntilTagValue: false, ignoreErrors: false });
    dict = message.dict;
    meta = message.meta;
  } catch {
    return undefined;
  }
  return headerOf((tag) => valueText(dict[tag]) ?? valueText(meta[tag]));
}

function headerOf(text: (tag: string) => string | undefined): DicomHeader | undefined {
  const t = (tag: string) => text(tag) ?? '';
  const frames = Number.parseInt(t('00280008'), 10);
  return {
    sopClassUid: t('00080016') || t('00020002'),
    sopInstanceUid: t('00080018') || t('00020003'),
    studyInstanceUid: t('0020000D'),
    seriesInstanceUid: t('0020000E'),
    seriesNumber: t('00200011'),
    seriesDescription: t('0008103E'),
    modality: t('00080060'),
    studyDate: t('00080020'),
    studyTime: t('00080030'),
    seriesTime: t('00080031'),
    manufacturer: t('00080070'),
    modelName: t('00081090'),
    stationName: t('00081010'),
    institutionName: t('00080080'),
    accessionNumber: t('00080050'),
    patientName: t('00100010'),
    patientId: t('00100020'),
    protocolName: t('00181030'),
    frames: Number.isFinite(frames) && frames > 0 ? frames : 1,
    transferSyntaxUid: t('00020010'),
    text,
  };
}

function valueText(element: Element | undefined): string | undefined {
  if (!element || !element.Value || element.Value.length === 0) return undefined;
  const parts = element.Value.map((v) => {
    if (v === null || v === undefined) return '';
    if (typeof v === 'object') {
      const pn = v as { Alphabetic?: string };
      return typeof pn.Alphabetic === 'string' ? pn.Alphabetic : '';
    }
    return String(v);
  });
  return parts.join('\\').replace(/\0/g, '').trim();
}
