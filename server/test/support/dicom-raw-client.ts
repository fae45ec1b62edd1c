import net from 'node:net';

/**
 * A minimal DICOM upper-layer client that writes PDUs by hand, for tests that need what real tools cannot do on
 * demand: propose arbitrary presentation contexts, or stop half-way through a dataset.
 */
export class RawDicomClient {
  private buffer = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  readonly closed: Promise<void>;

  private constructor(private readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.closed = new Promise((resolve) => socket.once('close', () => {
      for (const wake of this.waiters.splice(0)) wake();
      resolve();
    }));
    socket.on('error', () => undefined);
  }

  static async connect(port: number): Promise<RawDicomClient> {
    const socket = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    return new RawDicomClient(socket);
  }

  /** Sends an A-ASSOCIATE-RQ and returns the reply: accepted contexts with their transfer syntax, or the rejection. */
  async associate(calledAe: string, contexts: readonly { id: number; abstractSyntax: string; transferSyntaxes: readonly string[] }[]): Promise<AssociateReply> {
    const items = [
      item(0x10, Buffer.from('1.2.840.10008.3.1.1.1')),
      ...contexts.map((c) => item(0x20, Buffer.concat([
        Buffer.from([c.id, 0, 0, 0]), item(0x30, Buffer.from(c.abstractSyntax)), ...c.transferSyntaxes.map((ts) => item(0x40, Buffer.from(ts))),
      ]))),
      item(0x50, Buffer.concat([item(0x51, uint32be(65536)), item(0x52, Buffer.from('1.2.3.4'))])),
    ];
    const head = Buffer.alloc(68);
    head.writeUInt16BE(1, 0);
    head.write(calledAe.padEnd(16), 4, 'latin1');
    head.write('RAWSCU'.padEnd(16), 20, 'latin1');
    this.send(0x01, Buffer.concat([head, ...items]));
    const pdu = await this.readPdu();
    if (pdu.type === 0x03) return { accepted: false, reason: pdu.body.readUInt8(3) };
    if (pdu.type !== 0x02) throw new Error(`expected an A-ASSOCIATE-AC, got PDU type ${pdu.type}`);
    const results = new Map<number, { result: number; transferSyntax: string }>();
    let at = 68;
    while (at < pdu.body.length) {
      const type = pdu.body.readUInt8(at);
      const length = pdu.body.readUInt16BE(at + 2);
      if (type === 0x21) {
        const id = pdu.body.readUInt8(at + 4);
        const result = pdu.body.readUInt8(at + 6);
        const tsLength = pdu.body.readUInt16BE(at + 10);
        results.set(id, { result, transferSyntax: pdu.body.toString('latin1', at + 12, at + 12 + tsLength).replace(/\0+$/, '') });
      }
      at += 4 + length;
    }
    return { accepted: true, contexts: results };
  }

  /** Sends a C-STORE-RQ command and as much of the dataset as given (the last fragment flagged only if `complete`). */
  sendStore(contextId: number, sopClassUid: string, sopInstanceUid: string, dataset: Buffer, complete: boolean): void {
    const command = commandSet([
      [0x0002, uid(sopClassUid)], [0x0100, uint16le(0x0001)], [0x0110, uint16le(1)], [0x0700, uint16le(0)],
      [0x0800, uint16le(0x0000)], [0x1000, uid(sopInstanceUid)],
    ]);
    this.send(0x04, pdv(contextId, 0x03, command));
    const fragment = 16_000;
    for (let at = 0; at < dataset.length; at += fragment) {
      const last = at + fragment >= dataset.length;
      this.send(0x04, pdv(contextId, last && complete ? 0x02 : 0x00, dataset.subarray(at, at + fragment)));
    }
  }

  /** Reads the next C-STORE-RSP and returns its status and error comment. */
  async readStoreResponse(): Promise<{ status: number; comment: string }> {
    const pdu = await this.readPdu();
    if (pdu.type !== 0x04) throw new Error(`expected a P-DATA-TF, got PDU type ${pdu.type}`);
    const command = pdu.body.subarray(6);
    let status = -1;
    let comment = '';
    for (let at = 0; at < command.length;) {
      const element = command.readUInt16LE(at + 2);
      const length = command.readUInt32LE(at + 4);
      const value = command.subarray(at + 8, at + 8 + length);
      if (element === 0x0900) status = value.readUInt16LE(0);
      if (element === 0x0902) comment = value.toString('latin1').trim();
      at += 8 + length;
    }
    return { status, comment };
  }

  async release(): Promise<void> {
    this.send(0x05, Buffer.alloc(4));
    await this.readPdu();
    this.socket.end();
    await this.closed;
  }

  destroy(): void {
    this.socket.destroy();
  }

  private send(type: number, body: Buffer): void {
    const head = Buffer.alloc(6);
    head.writeUInt8(type, 0);
    head.writeUInt32BE(body.length, 2);
    this.socket.write(Buffer.concat([head, body]));
  }

  private async readPdu(): Promise<{ type: number; body: Buffer }> {
    for (;;) {
      if (this.buffer.length >= 6) {
        const length = this.buffer.readUInt32BE(2);
        if (this.buffer.length >= 6 + length) {
          const pdu = { type: this.buffer.readUInt8(0), body: this.buffer.subarray(6, 6 + length) };
          this.buffer = this.buffer.subarray(6 + length);
          return pdu;
        }
      }
      if (this.socket.destroyed || this.socket.readableEnded) throw new Error('the connection closed before a reply');
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }
}

export type AssociateReply =
  | { readonly accepted: true; readonly contexts: ReadonlyMap<number, { result: number; transferSyntax: string }> }
  | { readonly accepted: false; readonly reason: number };

function item(type: number, value: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt8(type, 0);
  head.writeUInt16BE(value.length, 2);
  return Buffer.concat([head, value]);
}

function pdv(contextId: number, control: number, value: Buffer): Buffer {
  const head = Buffer.alloc(6);
  head.writeUInt32BE(value.length + 2, 0);
  head.writeUInt8(contextId, 4);
  head.writeUInt8(control, 5);
  return Buffer.concat([head, value]);
}

function commandSet(elements: readonly [number, Buffer][]): Buffer {
  const body = Buffer.concat(elements.map(([element, value]) => {
    const head = Buffer.alloc(8);
    head.writeUInt16LE(0, 0);
    head.writeUInt16LE(element, 2);
    head.writeUInt32LE(value.length, 4);
    return Buffer.concat([head, value]);
  }));
  const length = Buffer.alloc(12);
  length.writeUInt32LE(4, 4);
  length.writeUInt32LE(body.length, 8);
  return Buffer.concat([length, body]);
}

function uid(value: string): Buffer {
  return Buffer.from(value.length % 2 ? `${value}\0` : value, 'latin1');
}

function uint16le(value: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(value);
  return b;
}

function uint32be(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(value);
  return b;
}
