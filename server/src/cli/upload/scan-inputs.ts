import fsp from 'node:fs/promises';
import path from 'node:path';
import { detectArchiveKind, walkArchive, type ArchiveKind } from '../../archive/archive-reader.js';
import { HEAD_BYTES, parseDicomSummary, readDicomSummary, type DicomSummary } from '../../dicom/dicom-summary.js';
import { UsageError } from '../client/errors.js';
import { runPool } from '../client/pool.js';

export interface DicomFile {
  readonly path: string;
  readonly size: number;
  readonly header: DicomSummary;
}

/** The DICOM instances of one study found in the folders: one upload, one session. */
export interface StudyGroup {
  readonly kind: 'study';
  readonly key: string;
  readonly header: DicomSummary;
  readonly files: readonly DicomFile[];
  readonly instances: number;
  readonly bytes: number;
}

/** A zip or tar given as it is: uploaded as one request, the server splitting it into sessions. */
export interface ArchiveUpload {
  readonly kind: 'archive';
  readonly key: string;
  readonly path: string;
  readonly format: ArchiveKind;
  readonly bytes: number;
  /** Distinct DICOM instances inside, per study. */
  readonly studies: ReadonlyMap<string, { header: DicomSummary; instances: number }>;
  readonly instances: number;
}

export type UploadUnit = StudyGroup | ArchiveUpload;

export interface InputScan {
  readonly units: readonly UploadUnit[];
  /** Files that are neither DICOM nor archives (left out). */
  readonly skipped: readonly string[];
}

/**
 * Finds what to upload under the given files and folders: DICOM files (grouped by StudyInstanceUID, read
 * up to the pixel data only) and zip/tar archives (counted inside, to verify the upload afterwards).
 */
export async function scanInputs(inputs: readonly string[]): Promise<InputScan> {
  const files: string[] = [];
  for (const input of inputs) await collect(path.resolve(input), files);
  if (files.length === 0) throw new UsageError(`No files found in ${inputs.join(', ')}`);
  const dicom: DicomFile[] = [];
  const archives: ArchiveUpload[] = [];
  const skipped: string[] = [];
  await runPool(files, 8, async (file) => {
    const size = (await fsp.stat(file)).size;
    const format = await detectArchiveKind(file).catch(() => undefined);
    if (format) {
      archives.push(await describeArchive(file, format, size));
      return;
    }
    const header = await readDicomSummary(file).catch(() => undefined);
    if (header) dicom.push({ path: file, size, header });
    else skipped.push(file);
  });
  const studies = new Map<string, DicomFile[]>();
  for (const f of dicom.sort((a, b) => a.path.localeCompare(b.path))) studies.set(f.header.studyInstanceUid, [...(studies.get(f.header.studyInstanceUid) ?? []), f]);
  const groups = [...studies.entries()].map(([key, members]): StudyGroup => ({
    kind: 'study', key, header: (members[0] as DicomFile).header, files: members,
    instances: new Set(members.map((m) => m.header.sopInstanceUid)).size, bytes: members.reduce((n, m) => n + m.size, 0),
  }));
  return { units: [...groups, ...archives.sort((a, b) => a.path.localeCompare(b.path))], skipped: skipped.sort() };
}

async function collect(entry: string, out: string[]): Promise<void> {
  const stat = await fsp.stat(entry).catch(() => undefined);
  if (!stat) throw new UsageError(`${entry} does not exist`);
  if (stat.isFile()) {
    out.push(entry);
    return;
  }
  if (!stat.isDirectory()) return;
  for (const name of (await fsp.readdir(entry)).sort()) {
    if (name.startsWith('.')) continue; // .DS_Store, .git, editors' files
    await collect(path.join(entry, name), out);
  }
}

async function describeArchive(file: string, format: ArchiveKind, bytes: number): Promise<ArchiveUpload> {
  const studies = new Map<string, { header: DicomSummary; sops: Set<string> }>();
  await walkArchive(file, format, undefined, async (_entry, content) => {
    const chunks: Buffer[] = [];
    let length = 0;
    for await (const chunk of content) {
      if (length < HEAD_BYTES) {
        chunks.push(chunk as Buffer);
        length += (chunk as Buffer).length;
      }
    }
    const header = parseDicomSummary(Buffer.concat(chunks));
    if (!header) return;
    const study = studies.get(header.studyInstanceUid) ?? { header, sops: new Set<string>() };
    study.sops.add(header.sopInstanceUid);
    studies.set(header.studyInstanceUid, study);
  });
  const summary = new Map([...studies].map(([k, v]) => [k, { header: v.header, instances: v.sops.size }]));
  const stat = await fsp.stat(file);
  return {
    kind: 'archive', key: `archive:${file}:${bytes}:${Math.round(stat.mtimeMs)}`, path: file, format, bytes, studies: summary,
    instances: [...summary.values()].reduce((n, s) => n + s.instances, 0),
  };
}
