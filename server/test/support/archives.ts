import zlib from 'node:zlib';
import yazl from 'yazl';
import tar from 'tar-stream';

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
