/**
 * The C-STORE-RSP as one ready-to-send P-DATA-TF PDU. dcmjs-dimse builds each response through a full dcmjs
 * dataset write, which cost about half a millisecond per instance when profiled (as much as the rest of the
 * receive path); the command set is seven fixed elements, so it is encoded here directly.
 */

export interface StoreResponse {
  readonly presentationContextId: number;
  readonly messageId: number;
  readonly sopClassUid: string;
  readonly sopInstanceUid: string;
  readonly status: number;
  /** Error Comment (0000,0902), at most 64 characters. */
  readonly comment?: string;
}

const C_STORE_RSP = 0x8001;
/** Command Data Set Type value meaning "no dataset follows". */
const NO_DATASET = 0x0101;

export function storeResponsePdu(response: StoreResponse): Buffer {
  // The command set is always Implicit VR Little Endian (PS3.7 6.3.1).
  const elements = [
    element(0x0002, padded(response.sopClassUid, 0)),
    element(0x0100, uint16(C_STORE_RSP)),
    element(0x0120, uint16(response.messageId)),
    element(0x0800, uint16(NO_DATASET)),
    element(0x0900, uint16(response.status)),
    ...(response.comment ? [element(0x0902, padded(response.comment.slice(0, 64), 0x20))] : []),
    element(0x1000, padded(response.sopInstanceUid, 0)),
  ];
  const body = Buffer.concat(elements);
  const groupLength = element(0x0000, Buffer.alloc(4));
  groupLength.writeUInt32LE(body.length, 8);
  const command = Buffer.concat([groupLength, body]);
  const pdu = Buffer.alloc(12);
  pdu.writeUInt8(0x04, 0); // P-DATA-TF
  pdu.writeUInt32BE(6 + command.length, 2); // one PDV item: 4-byte length + context ID + control header + command
  pdu.writeUInt32BE(2 + command.length, 6);
  pdu.writeUInt8(response.presentationContextId, 10);
  pdu.writeUInt8(0x03, 11); // command, last fragment
  return Buffer.concat([pdu, command]);
}

function element(tagElement: number, value: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt16LE(0x0000, 0);
  head.writeUInt16LE(tagElement, 2);
  head.writeUInt32LE(value.length, 4);
  return Buffer.concat([head, value]);
}

function uint16(value: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(value, 0);
  return b;
}

/** Values are padded to an even length: UIDs with NUL, text with a space. */
function padded(value: string, pad: number): Buffer {
  const bytes = Buffer.from(value.replace(/\0+$/, ''), 'latin1');
  return bytes.length % 2 ? Buffer.concat([bytes, Buffer.from([pad])]) : bytes;
}
