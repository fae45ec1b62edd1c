/**
 * The DICOM Part 10 preamble and file meta information group written in front of a dataset received
 * over the network, so the stored file is an ordinary DICOM file with the dataset bytes exactly as sent.
 */

/** Identifies files written by this receiver (a UUID-derived UID under the 2.25 root). */
export const IMPLEMENTATION_CLASS_UID = '2.25.328195792595968050565704938907847457714';
export const IMPLEMENTATION_VERSION_NAME = 'XNAT_TS_0';

export interface Part10Meta {
  readonly sopClassUid: string;
  readonly sopInstanceUid: string;
  readonly transferSyntaxUid: string;
  /** The sending AE title, kept as Source Application Entity Title (0002,0016). */
  readonly sourceAeTitle: string;
}

export function part10Header(meta: Part10Meta): Buffer {
  const elements = [
    element(0x0001, 'OB', Buffer.from([0x00, 0x01])),
    element(0x0002, 'UI', uid(meta.sopClassUid)),
    element(0x0003, 'UI', uid(meta.sopInstanceUid)),
    element(0x0010, 'UI', uid(meta.transferSyntaxUid)),
    element(0x0012, 'UI', uid(IMPLEMENTATION_CLASS_UID)),
    element(0x0013, 'SH', text(IMPLEMENTATION_VERSION_NAME)),
    ...(meta.sourceAeTitle ? [element(0x0016, 'AE', text(meta.sourceAeTitle))] : []),
  ];
  const groupLength = elements.reduce((sum, e) => sum + e.length, 0);
  const lengthElement = element(0x0000, 'UL', Buffer.alloc(4));
  lengthElement.writeUInt32LE(groupLength, 8);
  const preamble = Buffer.alloc(132);
  preamble.write('DICM', 128, 'latin1');
  return Buffer.concat([preamble, lengthElement, ...elements]);
}

/** UIDs are padded to an even length with a NUL. */
function uid(value: string): Buffer {
  const bytes = Buffer.from(value.replace(/\0+$/, '').trim(), 'latin1');
  return bytes.length % 2 ? Buffer.concat([bytes, Buffer.from([0])]) : bytes;
}

/** Text values are padded to an even length with a space. */
function text(value: string): Buffer {
  const bytes = Buffer.from(value.trim(), 'latin1');
  return bytes.length % 2 ? Buffer.concat([bytes, Buffer.from(' ')]) : bytes;
}

/** One explicit-VR little-endian element of group 0002. */
function element(elementNumber: number, vr: 'OB' | 'UI' | 'SH' | 'AE' | 'UL', value: Buffer): Buffer {
  const longForm = vr === 'OB';
  const head = Buffer.alloc(longForm ? 12 : 8);
  head.writeUInt16LE(0x0002, 0);
  head.writeUInt16LE(elementNumber, 2);
  head.write(vr, 4, 'latin1');
  if (longForm) head.writeUInt32LE(value.length, 8);
  else head.writeUInt16LE(value.length, 6);
  return Buffer.concat([head, value]);
}
