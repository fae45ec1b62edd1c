/**
 * A minimal reader of a Part 10 file's header: walks the elements of the file meta group and of the
 * top level of the data set up to the pixel data, and returns each top-level element's value as text.
 * It reads only what ingest needs (little-endian data sets, explicit or implicit VR; sequences are
 * skipped) and is some twenty times faster than a full dcmjs parse; anything it does not understand
 * (big-endian or deflated data sets, lengths past the end, odd structures) returns undefined, and the
 * caller parses with dcmjs instead.
 */
export interface WalkedHeader {
  /** Text of the file meta elements and top-level data set elements, by 'GGGGEEEE'. */
  readonly values: ReadonlyMap<string, string>;
  readonly transferSyntaxUid: string;
}

const IMPLICIT_LE = '1.2.840.10008.1.2';
const EXPLICIT_BE = '1.2.840.10008.1.2.2';
const DEFLATED = '1.2.840.10008.1.2.1.99';
const UNDEFINED = 0xffffffff;
/** VRs with a 2-byte reserved field and a 4-byte length in explicit VR. */
const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);
const TEXT_VRS = new Set(['AE', 'AS', 'CS', 'DA', 'DS', 'DT', 'IS', 'LO', 'LT', 'PN', 'SH', 'ST', 'TM', 'UC', 'UI', 'UR', 'UT']);
const NUMBER_VRS: Readonly<Record<string, [number, (b: Buffer, at: number) => number]>> = {
  US: [2, (b, at) => b.readUInt16LE(at)], SS: [2, (b, at) => b.readInt16LE(at)], UL: [4, (b, at) => b.readUInt32LE(at)],
  SL: [4, (b, at) => b.readInt32LE(at)], FL: [4, (b, at) => b.readFloatLE(at)], FD: [8, (b, at) => b.readDoubleLE(at)],
};

class Unsupported extends Error {}

/**
 * `whole`: the buffer is the entire file (reaching its end before pixel data is fine); otherwise a
 * header that runs past the buffer is 'incomplete'. Undefined: not understood (parse another way).
 */
export function walkHeader(bytes: Buffer, whole: boolean): WalkedHeader | 'incomplete' | undefined {
  try {
    return walk(bytes, whole);
  } catch (e) {
    if (e instanceof Unsupported || e instanceof RangeError) return undefined;
    throw e;
  }
}

function walk(b: Buffer, whole: boolean): WalkedHeader | 'incomplete' | undefined {
  if (b.length < 132 || b.toString('latin1', 128, 132) !== 'DICM') return undefined;
  const values = new Map<string, string>();
  let at = 132;
  let utf8 = false;
  // File meta: explicit VR little endian, group 0002.
  while (at + 8 <= b.length && b.readUInt16LE(at) === 0x0002) {
    const element = readExplicit(b, at);
    if (element.length === UNDEFINED) throw new Unsupported();
    values.set(element.tag, text(b, element.vr, element.valueAt, element.length, false));
    at = element.valueAt + element.length;
  }
  const syntax = values.get('00020010') ?? '';
  if (syntax === EXPLICIT_BE || syntax === DEFLATED) throw new Unsupported();
  const implicit = syntax === IMPLICIT_LE;
  while (true) {
    if (at === b.length) return whole ? { values, transferSyntaxUid: syntax } : 'incomplete';
    if (at + 8 > b.length) {
      if (whole) throw new Unsupported();
      return 'incomplete';
    }
    const group = b.readUInt16LE(at);
    const elementNo = b.readUInt16LE(at + 2);
    if (group === 0x7fe0 && elementNo === 0x0010) return { values, transferSyntaxUid: syntax };
    if (group < 0x0008 && group !== 0x0000) throw new Unsupported();
    const element = implicit ? readImplicit(b, at) : readExplicit(b, at);
    if (element.length === UNDEFINED) {
      try {
        at = skipUndefined(b, element.valueAt, implicit);
      } catch (e) {
        if (!whole && e instanceof RangeError) return 'incomplete';
        throw e;
      }
      continue;
    }
    const end = element.valueAt + element.length;
    if (end > b.length) {
      if (whole) throw new Unsupported();
      return 'incomplete';
    }
    if (element.tag === '00080005') utf8 = /ISO_IR 192/.test(b.toString('latin1', element.valueAt, end));
    if (element.vr !== 'SQ' && (!implicit || element.length <= 1024)) values.set(element.tag, text(b, element.vr, element.valueAt, element.length, utf8));
    at = end;
  }
}

interface Header {
  readonly tag: string;
  readonly vr: string;
  readonly valueAt: number;
  readonly length: number;
}

function tagOf(b: Buffer, at: number): string {
  return (b.readUInt16LE(at).toString(16).padStart(4, '0') + b.readUInt16LE(at + 2).toString(16).padStart(4, '0')).toUpperCase();
}

function readExplicit(b: Buffer, at: number): Header {
  const vr = b.toString('latin1', at + 4, at + 6);
  if (!/^[A-Z]{2}$/.test(vr)) throw new Unsupported();
  if (LONG_VRS.has(vr)) return { tag: tagOf(b, at), vr, valueAt: at + 12, length: b.readUInt32LE(at + 8) };
  return { tag: tagOf(b, at), vr, valueAt: at + 8, length: b.readUInt16LE(at + 6) };
}

/** Implicit VR carries no VR: the binary tags every image has and the person names are known; the rest are read as text. */
const IMPLICIT_VRS: Readonly<Record<string, string>> = {
  '00280002': 'US', '00280010': 'US', '00280011': 'US', '00280100': 'US', '00280101': 'US', '00280102': 'US', '00280103': 'US', '00280106': 'US', '00280107': 'US',
  '00100010': 'PN', '00080090': 'PN', '00081050': 'PN', '00081060': 'PN', '00081070': 'PN', '00101001': 'PN', '00101005': 'PN', '00101060': 'PN',
  '00321032': 'PN', '00102297': 'PN', '00081048': 'PN', '0040A123': 'PN',
};

function readImplicit(b: Buffer, at: number): Header {
  const tag = tagOf(b, at);
  return { tag, vr: IMPLICIT_VRS[tag] ?? '', valueAt: at + 8, length: b.readUInt32LE(at + 4) };
}

/** Skips a sequence (or other element) of undefined length: items until the sequence delimiter. */
function skipUndefined(b: Buffer, at: number, implicit: boolean): number {
  let depth = 0;
  for (let guard = 0; guard < 1_000_000; guard++) {
    const group = b.readUInt16LE(at);
    const element = b.readUInt16LE(at + 2);
    if (group === 0xfffe) {
      const length = b.readUInt32LE(at + 4);
      if (element === 0xe000) {
        // An item: of defined length (skip it whole) or undefined (walk its elements).
        if (length === UNDEFINED) {
          depth++;
          at += 8;
        } else {
          at += 8 + length;
        }
        continue;
      }
      if (element === 0xe00d) {
        depth--;
        at += 8;
        continue;
      }
      if (element === 0xe0dd) {
        at += 8;
        if (depth === 0) return at;
        throw new Unsupported();
      }
      throw new Unsupported();
    }
    // An element inside an undefined-length item.
    if (depth === 0) throw new Unsupported();
    const header = implicit ? readImplicit(b, at) : readExplicit(b, at);
    at = header.length === UNDEFINED ? skipUndefined(b, header.valueAt, implicit) : header.valueAt + header.length;
    if (at > b.length) throw new RangeError('past the end');
  }
  throw new Unsupported();
}

function text(b: Buffer, vr: string, at: number, length: number, utf8: boolean): string {
  const number = NUMBER_VRS[vr];
  if (number) {
    const [size, read] = number;
    const parts: string[] = [];
    for (let p = at; p + size <= at + length; p += size) parts.push(String(read(b, p)));
    return parts.join('\\');
  }
  if (vr !== '' && !TEXT_VRS.has(vr)) return '';
  let s = b.toString(utf8 ? 'utf8' : 'latin1', at, at + length).replace(/\0/g, '');
  if (vr === 'PN') s = s.split('\\').map((v) => v.split('=')[0] ?? '').join('\\');
  return s.split('\\').map((v) => v.trim()).join('\\').trim();
}
