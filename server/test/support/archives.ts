import { buffer } from 'node:stream/consumers';
import tarStream from 'tar-stream';
import yauzl from 'yauzl';

/** The members of a zip held in memory, in archive order, with their contents. */
export async function unzipBuffer(zip: Buffer): Promise<Map<string, Buffer>> {
  const zipfile = await new Promise<yauzl.ZipFile>((resolve, reject) => yauzl.fromBuffer(zip, { lazyEntries: true }, (e, z) => (e ? reject(e) : resolve(z))));
  const out = new Map<string, Buffer>();
  await new Promise<void>((resolve, reject) => {
    zipfile.on('entry', (entry: yauzl.Entry) => {
      zipfile.openReadStream(entry, (e, stream) => {
        if (e) return reject(e);
        buffer(stream).then((b) => {
          out.set(entry.fileName, b);
          zipfile.readEntry();
        }, reject);
      });
    });
    zipfile.on('end', resolve);
    zipfile.on('error', reject);
    zipfile.readEntry();
  });
  return out;
}

/** The members of a tar held in memory. */
export async function untarBuffer(tar: Buffer): Promise<Map<string, Buffer>> {
  const extract = tarStream.extract();
  const out = new Map<string, Buffer>();
  const done = new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, stream, next) => {
      buffer(stream).then((b) => {
        out.set(header.name, b);
        next();
      }, reject);
    });
    extract.on('finish', resolve);
    extract.on('error', reject);
  });
  extract.end(tar);
  await done;
  return out;
}

/** Whether a buffer ends with a zip's end-of-central-directory record (a complete zip). */
export function hasEndOfCentralDirectory(zip: Buffer): boolean {
  const tail = zip.subarray(Math.max(0, zip.length - 22 - 0xffff));
  return tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06])) >= 0;
}
