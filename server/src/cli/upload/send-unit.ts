import fs from 'node:fs';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { createArchiveStream } from '../../archive/archive-writer.js';
import type { XnatClient } from '../client/xnat-client.js';
import { dataPath } from '../download/remote-file.js';
import type { UploadUnit } from './scan-inputs.js';

export interface ImportOptions {
  readonly project: string;
  readonly subject?: string;
  readonly session?: string;
  /** Where sessions go; undefined leaves it to the project's setting. */
  readonly destination?: 'prearchive' | 'archive';
  /** What happens when the archive already has the session (XNAT's overwrite=none|append|delete). */
  readonly overwrite?: 'none' | 'append' | 'delete';
}

const ARCHIVE_TYPES = { zip: 'application/zip', tar: 'application/x-tar', tgz: 'application/gzip' } as const;

/**
 * Sends one unit to `POST /data/services/import` with the DICOM-zip handler (xnat-api.md §7): a study's
 * files zipped on the fly (stored, length known in advance, nothing written to disk), or an archive file
 * as it is. Returns the session URIs the server answers with (text/uri-list).
 */
export async function sendUnit(client: XnatClient, unit: UploadUnit, options: ImportOptions, onBytes: (n: number) => void): Promise<string[]> {
  const query: Record<string, string | undefined> = {
    'import-handler': 'DICOM-zip', inbody: 'true', PROJECT_ID: options.project, SUBJECT_ID: options.subject, EXPT_LABEL: options.session,
    dest: options.destination ? `/${options.destination}/projects/${options.project}` : undefined,
    overwrite: options.overwrite, 'Ignore-Unparsable': unit.kind === 'archive' ? 'true' : undefined,
  };
  let body: Readable;
  let length: number;
  let type: string;
  if (unit.kind === 'study') {
    const root = commonFolder(unit.files.map((f) => f.path));
    const members = unit.files.map((f) => ({
      name: path.relative(root, f.path).split(path.sep).join('/'), size: f.size, mtime: new Date(0), describe: f.path, open: () => fs.createReadStream(f.path),
    }));
    const archive = createArchiveStream('zip', members);
    body = archive.stream;
    length = archive.length as number;
    type = ARCHIVE_TYPES.zip;
  } else {
    body = fs.createReadStream(unit.path);
    length = unit.bytes;
    type = ARCHIVE_TYPES[unit.format];
  }
  const counted = body.pipe(new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      onBytes(chunk.length);
      callback(null, chunk);
    },
  }));
  body.on('error', (e) => counted.destroy(e));
  const res = await client.request('POST', '/data/services/import', { query, headers: { 'content-type': type, 'content-length': String(length) }, body: counted });
  return (await res.text()).split(/\r?\n/).map((l) => l.trim()).filter(Boolean).map(dataPath);
}

/** The deepest folder holding every file, so zip entry names keep the folders below it. */
function commonFolder(files: readonly string[]): string {
  let common = path.dirname(files[0] as string);
  for (const f of files) {
    while (!f.startsWith(common + path.sep) && common !== path.dirname(common)) common = path.dirname(common);
  }
  return common;
}
