import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import zlib from 'node:zlib';
import { describe, it } from 'node:test';
import { untarBuffer as untar, unzipBuffer as unzip } from '../../test/support/archives.js';
import { createArchiveStream, type ArchiveMember } from './archive-writer.js';
import { zipLength } from './zip-length.js';

const member = (name: string, content: Buffer | string, describe = name): ArchiveMember => {
  const bytes = Buffer.from(content);
  return { name, size: bytes.length, mtime: new Date('2024-01-02T03:04:05Z'), describe, open: () => Readable.from([bytes]) };
};

describe('archive writer', () => {
  const members = [
    member('MR1/scans/1-T1w/resources/DICOM/files/1.dcm', 'first file'),
    member('MR1/scans/1-T1w/resources/DICOM/files/empty.dcm', ''),
    member('MR1/resources/NOTES/files/Überblick ü.txt', 'unicode name'),
    member(`MR1/resources/NOTES/files/${'long-'.repeat(40)}.txt`, Buffer.alloc(70_000, 7)),
  ];

  it('writes a stored zip whose length is known in advance', async () => {
    const archive = createArchiveStream('zip', members);
    const zip = await buffer(archive.stream);
    assert.equal(archive.length, zip.length);
    const files = await unzip(zip);
    assert.deepEqual([...files.keys()], members.map((m) => m.name));
    assert.equal(files.get(members[0]!.name)?.toString(), 'first file');
    assert.equal(files.get(members[3]!.name)?.length, 70_000);
  });

  it('computes the length of ZIP64 archives with more than 65535 members', async () => {
    const many = Array.from({ length: 65_600 }, (_, i) => member(`f/${i}`, i % 2 ? 'x' : ''));
    const archive = createArchiveStream('zip', many);
    const zip = await buffer(archive.stream);
    assert.equal(archive.length, zip.length);
    assert.equal(zipLength(many), zip.length);
  });

  it('writes tar and tar.gz with the same members', async () => {
    const tar = await untar(await buffer(createArchiveStream('tar', members).stream));
    assert.deepEqual([...tar.keys()], members.map((m) => m.name));
    assert.equal(tar.get(members[2]!.name)?.toString(), 'unicode name');
    const tgz = await untar(zlib.gunzipSync(await buffer(createArchiveStream('tar.gz', members).stream)));
    assert.equal(tgz.get(members[3]!.name)?.length, 70_000);
  });

  for (const format of ['zip', 'tar', 'tar.gz'] as const) {
    it(`fails the ${format} naming the file that cannot be read, without finishing the archive`, async () => {
      const missing: ArchiveMember = {
        ...member('MR1/scans/2/resources/DICOM/files/2.dcm', 'never read', '2.dcm in resource DICOM of scan 2 of session MR1'),
        open: () => { const r = new Readable({ read() {} }); process.nextTick(() => r.destroy(Object.assign(new Error('gone'), { code: 'ENOENT' }))); return r; },
      };
      const archive = createArchiveStream(format, [members[0]!, missing, members[2]!]);
      await assert.rejects(buffer(archive.stream), /2\.dcm in resource DICOM of scan 2 of session MR1 is missing from the archive disk/);
    });

    it(`fails the ${format} when a file is shorter than recorded`, async () => {
      const short = { ...member('a.dcm', 'abc', 'a.dcm of session MR1'), size: 10 };
      await assert.rejects(buffer(createArchiveStream(format, [short]).stream), /a\.dcm of session MR1 does not have the 10 bytes recorded for it/);
    });
  }
});
