// `npm run bench -- anonymize [count]`: rewrites one generated 256x256 16-bit MR instance (about 133 KB)
// `count` times with a typical site script, file to file and in memory, printing instances/s, MB/s and peak RSS.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { anonymizeBytes, anonymizeFile } from '../server/src/dicom/anonymizer.js';
import { parseAnonymizationScript } from '../server/src/domain/anonymization-script.js';
import { writeDicom } from '../server/test/support/pydicom.js';

const count = Number(process.argv[3] ?? 500);
const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'anonymize-bench-'));
const input = path.join(dir, 'in.dcm');
await writeDicom(input, {
  elements: [
    ['00080016', 'UI', '1.2.840.10008.5.1.4.1.1.4'], ['00080018', 'UI', '1.2.826.0.1.3680043.8.498.1'], ['00080020', 'DA', '20240101'],
    ['00080080', 'LO', 'General Hospital'], ['00100010', 'PN', 'DOE^JOHN'], ['00100020', 'LO', 'MRN1'], ['00100030', 'DA', '19700101'],
    ['0020000D', 'UI', '1.2.826.0.1.3680043.8.498.2'], ['0020000E', 'UI', '1.2.826.0.1.3680043.8.498.3'],
    ['00290010', 'LO', 'SIEMENS CSA HEADER'], ['00291010', 'OB', 'x'.repeat(8000)],
  ],
  pixels: [256, 256],
});
const script = parseAnonymizationScript(`-(0010,0030)\nremoveAllPrivateTags\n(0010,0010) := subject\n(0010,0020) := session\nblank (0008,0080)
(0020,000D) := hashUID[(0020,000D)]\n(0020,000E) := hashUID[(0020,000E)]\n(0008,0018) := hashUID[(0008,0018)]`, 'bench script');
const size = (await fs.stat(input)).size;
const context = { project: 'P', subject: 'S', session: 'E' };
const bytes = await fs.readFile(input);
let peakRss = 0;
async function time(label: string, once: () => Promise<unknown> | unknown): Promise<void> {
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    await once();
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(`anonymize ${label}: ${count} instances of ${(size / 1024).toFixed(0)} KB in ${seconds.toFixed(2)} s: ${(count / seconds).toFixed(0)} instances/s, ${(count * size / 1e6 / seconds).toFixed(1)} MB/s, peak RSS ${(peakRss / 1e6).toFixed(0)} MB`);
}
await time('file to file', () => anonymizeFile(input, path.join(dir, 'out.dcm'), [script], context));
await time('in memory', () => anonymizeBytes(bytes, [script], context));
await fs.rm(dir, { recursive: true, force: true });
