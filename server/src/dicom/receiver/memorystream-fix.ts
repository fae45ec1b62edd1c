import { createRequire } from 'node:module';

/**
 * dcmjs-dimse gathers PDU data with memorystream 0.3.1, whose toBuffer() calls the deprecated
 * `new Buffer(size)`. Node vets each such call by walking the stack until it has seen 10,000 of them,
 * which cost about 0.2 ms per received instance (measured with --cpu-prof). This gives the same bytes
 * without the deprecated constructor. Imported once, by the receiver.
 */
interface Queued {
  queue: (Buffer | string)[];
}

const require = createRequire(import.meta.url);
const MemoryStream = require('memorystream') as {
  new (): object;
  createReadStream(): object;
  createWriteStream(): object;
};

function toBuffer(this: Queued): Buffer {
  return Buffer.concat(this.queue.map((d) => (Buffer.isBuffer(d) ? d : Buffer.from(d))));
}

for (const stream of [MemoryStream.createReadStream(), MemoryStream.createWriteStream(), new MemoryStream()]) {
  (Object.getPrototypeOf(stream) as { toBuffer: unknown }).toBuffer = toBuffer;
}
