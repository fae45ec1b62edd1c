import { buffer } from 'node:stream/consumers';
import zlib from 'node:zlib';
import yazl from 'yazl';
import tar from 'tar-stream';
import yauzl from 'yauzl';

/** Builds a zip in memory from name → content (with optional unix modes for links). */
export async function makeZip(entries: Record<string, string | Buffer>, options: { compress?: boolean; modes?: Record<string, number> } = {}): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, content] of Object.entries(entries)) {
    zip.addBuffer(Buffer.isBuffer(content) ? content : Buffer.from(content), name, { compress: options.compress ?? true, mode: options.modes?.[name] });
  }
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** A zip whose entry escapes the extraction folder (zip-slip): the name is patched after writing. */
export async function makeZipSlip(): Promise<Buffer> {
  const zip = await makeZip({ 'aa/evil.txt': 'pwned', 'ok.txt': 'fine' });
  return Buffer.from(zip.toString('latin1').split('aa/evil.txt').join('../evil.txt'), 'latin1');
}

/** A tar or tar.gz in memory. */
export async function makeTar(entries: Record<string, string | Buffer>, options: { gzip?: boolean; links?: Record<string, string> } = {}): Promise<Buffer> {
  const pack = tar.pack();
  for (const [name, content] of Object.entries(entries)) pack.entry({ name }, Buffer.isBuffer(content) ? content : Buffer.from(content));
  for (const [name, target] of Object.entries(options.links ?? {})) pack.entry({ name, type: 'symlink', linkname: target });
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack as AsyncIterable<Buffer>) chunks.push(chunk);
  const raw = Buffer.concat(chunks);
  return options.gzip ? zlib.gzipSync(raw) : raw;
}

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
export async function untarBuffer(archive: Buffer): Promise<Map<string, Buffer>> {
  const extract = tar.extract();
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
  extract.end(archive);
  await done;
  return out;
}

/** Whether a buffer ends with a zip's end-of-central-directory record (a complete zip). */
export function hasEndOfCentralDirectory(zip: Buffer): boolean {
  const tail = zip.subarray(Math.max(0, zip.length - 22 - 0xffff));
  return tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06])) >= 0;
}
