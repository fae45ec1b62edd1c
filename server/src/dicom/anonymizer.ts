import fs from 'node:fs/promises';
import dcmjs from 'dcmjs';
import {
  hashUid, isPrivateTag, PIXEL_DATA, tagMatches, type AnonymizationScript, type Statement, type TagKey, type TagValue,
} from '../domain/anonymization-script.js';
import { invalidInput } from '../domain/errors.js';

/** Where the file is going: the values of the script variables `project`, `subject` and `session`. */
export interface AnonymizationContext { readonly project: string; readonly subject: string; readonly session: string }

/** dcmjs's un-naturalized element: VR plus values (PN values are `{ Alphabetic }`, binary values ArrayBuffers). */
interface Element { vr: string; Value?: unknown[]; _rawValue?: unknown }
type Dataset = Record<string, Element>;
interface DicomDict { meta: Dataset; dict: Dataset; write(options?: { allowInvalidVRLength?: boolean }): ArrayBuffer }
interface DcmjsData {
  DicomMessage: { readFile(buffer: ArrayBuffer): DicomDict };
  DicomMetaDictionary: { dictionary: Record<string, { vr: string } | undefined> };
}
const data = (dcmjs as unknown as { data: DcmjsData }).data;

const SOP_CLASS_UID = '00080016';
const SOP_INSTANCE_UID = '00080018';
const MEDIA_STORAGE_SOP_CLASS_UID = '00020002';
const MEDIA_STORAGE_SOP_INSTANCE_UID = '00020003';
const TRANSFER_SYNTAX_UID = '00020010';
const DEFLATED = '1.2.840.10008.1.2.1.99';
const EXPLICIT_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';

const STRING_VRS = new Set(['AE', 'AS', 'CS', 'DA', 'DS', 'DT', 'IS', 'LO', 'SH', 'TM', 'UC', 'UI']);
const SINGLE_TEXT_VRS = new Set(['LT', 'ST', 'UT', 'UR']);
const NUMBER_VRS = new Set(['US', 'SS', 'UL', 'SL', 'FL', 'FD', 'UV', 'SV']);

/**
 * Reads a whole DICOM Part 10 file, applies the scripts in order and writes the result to `output` (which may
 * be `input`). See anonymizeBytes.
 */
export async function anonymizeFile(input: string, output: string, scripts: readonly AnonymizationScript[], context: AnonymizationContext): Promise<void> {
  const rewritten = anonymizeBytes(await fs.readFile(input), scripts, context, input);
  await fs.writeFile(output, rewritten);
}

/**
 * The Part 10 bytes of a DICOM file after the scripts, in order. The pixel data element is carried over as
 * read; the file meta information follows changes of SOP Class/Instance UID. Values are written as given,
 * without VR length checks (as DicomEdit does). Throws invalidInput when the bytes are not DICOM or a
 * statement cannot apply (setting a binary VR, a number VR to text).
 */
export function anonymizeBytes(bytes: Uint8Array, scripts: readonly AnonymizationScript[], context: AnonymizationContext, name = 'the data'): Buffer {
  let file: DicomDict;
  try {
    file = data.DicomMessage.readFile(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  } catch (e) {
    throw invalidInput(`Cannot anonymize ${name}: not a readable DICOM file (${(e as Error).message})`);
  }
  for (const script of scripts) {
    for (const statement of script.statements) apply(file, script, statement, context);
  }
  dropGroupLengths(file.dict);
  followInMeta(file, SOP_CLASS_UID, MEDIA_STORAGE_SOP_CLASS_UID);
  followInMeta(file, SOP_INSTANCE_UID, MEDIA_STORAGE_SOP_INSTANCE_UID);
  // dcmjs inflates a deflated data set on read but writes it uncompressed.
  if (file.meta[TRANSFER_SYNTAX_UID]?.Value?.[0] === DEFLATED) file.meta[TRANSFER_SYNTAX_UID] = { vr: 'UI', Value: [EXPLICIT_LITTLE_ENDIAN] };
  // Values already in the file are written back as they were, even when a scanner broke a VR length rule.
  return Buffer.from(file.write({ allowInvalidVRLength: true }));
}

function apply(file: DicomDict, script: AnonymizationScript, s: Statement, context: AnonymizationContext): void {
  const dataset = file.dict;
  switch (s.kind) {
    case 'delete':
      for (const tag of Object.keys(dataset)) if (tag !== PIXEL_DATA && tagMatches(s.mask, tag)) delete dataset[tag];
      return;
    case 'removeAllPrivateTags':
      removePrivateTags(dataset);
      return;
    case 'blank': {
      const element = dataset[s.tag] ?? newElement(s.tag);
      if (element) dataset[s.tag] = { vr: element.vr, Value: [] };
      return;
    }
    case 'set': {
      const values = valuesOf(file, s.value, context);
      if (values === undefined) return;
      const element = dataset[s.tag] ?? newElement(s.tag);
      if (!element) return;
      dataset[s.tag] = { vr: element.vr, Value: encode(element.vr, values, () => `Anonymization ${script.name} line ${s.line}: cannot set (${s.tag.slice(0, 4)},${s.tag.slice(4)})`) };
    }
  }
}

/** The new value(s) as text, or undefined when the statement does nothing (copy or hash of an absent tag). */
function valuesOf(file: DicomDict, value: TagValue, context: AnonymizationContext): string[] | undefined {
  switch (value.kind) {
    case 'literal':
      return [value.text];
    case 'variable':
      return [context[value.name]];
    case 'copy': {
      const source = textsOf(file.dict[value.tag] ?? file.meta[value.tag]);
      return source && [source.join('\\')];
    }
    case 'hashUid': {
      const source = textsOf(file.dict[value.tag] ?? file.meta[value.tag])?.filter((v) => v.trim() !== '');
      return source && source.length > 0 ? source.map(hashUid) : undefined;
    }
  }
}

/** An element's values as text (PN by its alphabetic form); undefined when absent or binary. */
function textsOf(element: Element | undefined): string[] | undefined {
  if (!element?.Value || element.vr === 'SQ') return undefined;
  const out: string[] = [];
  for (const v of element.Value) {
    if (v === null || v === undefined) out.push('');
    else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint') out.push(String(v));
    else if (element.vr === 'PN' && typeof v === 'object' && !(v instanceof ArrayBuffer)) out.push(String((v as { Alphabetic?: string }).Alphabetic ?? ''));
    else return undefined;
  }
  return out;
}

/** dcmjs values for text in a VR; a single text may hold several values separated by backslashes. */
function encode(vr: string, texts: readonly string[], where: () => string): unknown[] {
  const split = texts.flatMap((t) => t.split('\\'));
  if (texts.length === 1 && texts[0] === '') return [];
  if (vr === 'PN') return split.map((t) => ({ Alphabetic: t }));
  if (STRING_VRS.has(vr)) return split;
  if (SINGLE_TEXT_VRS.has(vr)) return [texts.join('\\')];
  if (NUMBER_VRS.has(vr)) {
    return split.map((t) => {
      const n = Number(t);
      if (t.trim() === '' || !Number.isFinite(n)) throw invalidInput(`${where()}: its VR ${vr} holds numbers, not '${t}'`);
      return n;
    });
  }
  if (vr === 'UN') {
    // Unknown VR (private tags of implicit-VR files): the text bytes, padded to even length as DICOM requires.
    const text = texts.join('\\');
    const bytes = Buffer.from(text.length % 2 ? `${text} ` : text, 'latin1');
    return [bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length)];
  }
  throw invalidInput(`${where()}: its VR ${vr} holds binary data or items, not text`);
}

/** An empty element of the tag's dictionary VR; undefined for tags the dictionary does not know (private ones). */
function newElement(tag: TagKey): Element | undefined {
  const vr = data.DicomMetaDictionary.dictionary[`(${tag.slice(0, 4)},${tag.slice(4)})`]?.vr;
  return vr && /^[A-Z]{2}$/.test(vr) ? { vr, Value: [] } : undefined;
}

/** Deletes every odd-group element, inside sequence items too. */
function removePrivateTags(dataset: Dataset): void {
  for (const [tag, element] of Object.entries(dataset)) {
    if (isPrivateTag(tag)) {
      delete dataset[tag];
    } else if (element.vr === 'SQ') {
      for (const item of element.Value ?? []) if (item && typeof item === 'object') removePrivateTags(item as Dataset);
    }
  }
}

/** Group lengths (gggg,0000) outside the file meta are retired and would be stale after edits. */
function dropGroupLengths(dataset: Dataset): void {
  for (const tag of Object.keys(dataset)) if (tag.endsWith('0000')) delete dataset[tag];
}

function followInMeta(file: DicomDict, datasetTag: TagKey, metaTag: TagKey): void {
  const value = file.dict[datasetTag]?.Value?.[0];
  if (typeof value === 'string' && value !== '' && file.meta[metaTag]?.Value?.[0] !== value) file.meta[metaTag] = { vr: 'UI', Value: [value] };
}
