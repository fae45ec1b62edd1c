/**
 * The exact size of the stored (uncompressed) zip that archive-writer.ts streams with zip-stream, computed
 * from names and sizes alone so the download can announce its Content-Length before the first byte: browsers
 * then show progress and an ETA, and any client can tell a cut-short download from a complete one.
 *
 * Layout per member written from a stream (APPNOTE 6.3.10 §4.3): local header (30 + name), the bytes, a
 * data descriptor (16, or 24 with ZIP64 sizes); central directory record (46 + name, plus a 28-byte ZIP64
 * extra field when the member or its offset passes 4 GiB); end record (22), preceded by the ZIP64 end
 * record (56) and locator (20) when there are more than 65535 members or the directory passes 4 GiB.
 * The archive-writer tests check this against the bytes actually written.
 */
const ZIP64_LIMIT = 0xffffffff;
const LOCAL_HEADER = 30;
const DATA_DESCRIPTOR = 16;
const DATA_DESCRIPTOR_ZIP64 = 24;
const CENTRAL_RECORD = 46;
const ZIP64_EXTRA = 28;
const END_RECORD = 22;
const ZIP64_END_RECORD_AND_LOCATOR = 56 + 20;

export function zipLength(members: readonly { readonly name: string; readonly size: number }[]): number {
  let offset = 0;
  let centralLength = 0;
  for (const m of members) {
    const nameBytes = Buffer.byteLength(m.name, 'utf8');
    const bigMember = m.size > ZIP64_LIMIT;
    const bigOffset = offset > ZIP64_LIMIT;
    offset += LOCAL_HEADER + nameBytes + m.size + (bigMember ? DATA_DESCRIPTOR_ZIP64 : DATA_DESCRIPTOR);
    centralLength += CENTRAL_RECORD + nameBytes + (bigMember || bigOffset ? ZIP64_EXTRA : 0);
  }
  const zip64 = members.length > 0xffff || centralLength > ZIP64_LIMIT || offset > ZIP64_LIMIT;
  return offset + centralLength + (zip64 ? ZIP64_END_RECORD_AND_LOCATOR : 0) + END_RECORD;
}
