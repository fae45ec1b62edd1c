import { scanTypeForModality, sessionTypeForModality } from './xsi-types.js';

/**
 * How received DICOM instances become a session with scans (xnat-api.md §7.2): one scan per series,
 * its ID from the SeriesNumber (made unique when two series share a number), the session type from
 * the modalities present, session and scan values from the headers.
 */

/** The header values ingest keeps about each instance (named as the DICOM header reader names them). */
export const INSTANCE_FACTS = [
  'sopInstanceUid', 'sopClassUid', 'seriesInstanceUid', 'seriesNumber', 'seriesDescription', 'modality', 'frames', 'studyDate', 'studyTime',
  'seriesTime', 'manufacturer', 'modelName', 'stationName', 'patientName', 'patientId', 'accessionNumber',
] as const;

export type InstanceFacts = { readonly [K in (typeof INSTANCE_FACTS)[number]]: K extends 'frames' ? number : string };

/** What ingest records about each stored instance (one line of a session's manifest). */
export interface ReceivedFile extends InstanceFacts {
  /** The scan folder (and scan ID) under SCANS/. */
  readonly scan: string;
  readonly name: string;
  readonly size: number;
  readonly md5: string;
}

/** The manifest line of an instance stored as `scan/name`. */
export function receivedFile(facts: InstanceFacts, file: { scan: string; name: string; size: number; md5: string }): ReceivedFile {
  const picked = Object.fromEntries(INSTANCE_FACTS.map((key) => [key, facts[key]])) as unknown as InstanceFacts;
  return { ...picked, scan: file.scan, name: file.name, size: file.size, md5: file.md5 };
}

/** The stored name of an instance: its SOP Instance UID, so a resent instance replaces itself. */
export function instanceFileName(sopInstanceUid: string): string {
  return `${sopInstanceUid.replace(/[^0-9A-Za-z._-]/g, '_')}.dcm`;
}

/**
 * The scan folder of a series: its SeriesNumber when that is a usable name, else its UID with other
 * characters made `_`, else `NA`; a folder already used by another series gets `-2`, `-3`, ...
 * `taken` maps folders to the series UID they hold.
 */
export function scanFolderFor(seriesNumber: string, seriesUid: string, taken: ReadonlyMap<string, string>): string {
  for (const [folder, uid] of taken) if (uid === seriesUid) return folder;
  const number = seriesNumber.trim();
  const base = /^[A-Za-z0-9_-]{1,32}$/.test(number) ? number : seriesUid ? seriesUid.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64) : 'NA';
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

export interface BuiltScan {
  readonly scanId: string;
  readonly seriesUid: string;
  readonly xsiType: string;
  readonly fields: Record<string, string>;
  readonly files: readonly ReceivedFile[];
}

export interface BuiltSession {
  readonly xsiType: string;
  readonly scanDate: string | null;
  readonly scanTime: string | null;
  readonly fields: Record<string, string>;
  readonly scans: readonly BuiltScan[];
}

/** Modalities that never decide the session type (reports, presentation states, derived objects). */
const SECONDARY = new Set(['SR', 'PR', 'KO', 'OT', 'SC', 'REG', 'SEG', 'RTSTRUCT', 'RTPLAN', 'RTDOSE', 'DOC', 'AU']);
/** PET/CT and PET/MR studies are PET sessions, as XNAT files them. */
const PRECEDENCE = ['PT', 'MR', 'CT'];

export function sessionModality(modalities: readonly string[]): string | undefined {
  const primary = [...new Set(modalities.map((m) => m.toUpperCase()).filter((m) => m && !SECONDARY.has(m)))];
  return PRECEDENCE.find((m) => primary.includes(m)) ?? primary[0] ?? modalities.find(Boolean);
}

export function buildSession(files: readonly ReceivedFile[]): BuiltSession {
  const byScan = new Map<string, ReceivedFile[]>();
  for (const f of files) {
    const list = byScan.get(f.scan);
    if (list) list.push(f);
    else byScan.set(f.scan, [f]);
  }
  const scans = [...byScan.entries()].sort(([a], [b]) => compareScanIds(a, b)).map(([scanId, list]) => buildScan(scanId, list));
  const first = files[0];
  const modality = sessionModality(files.map((f) => f.modality));
  const fields: Record<string, string> = {};
  const set = (key: string, value: string | undefined) => {
    if (value) fields[key] = value;
  };
  const scanDate = first ? dicomDate(first.studyDate) : undefined;
  const scanTime = first ? dicomTime(first.studyTime) : undefined;
  set('date', scanDate);
  set('time', scanTime);
  set('modality', modality);
  set('scanner', first?.stationName);
  set('scanner_manufacturer', first?.manufacturer);
  set('scanner_model', first?.modelName);
  set('dcmPatientName', first?.patientName);
  set('dcmPatientId', first?.patientId);
  set('dcmAccessionNumber', first?.accessionNumber);
  return { xsiType: sessionTypeForModality(modality).xsiType, scanDate: scanDate ?? null, scanTime: scanTime ?? null, fields, scans };
}

function buildScan(scanId: string, files: readonly ReceivedFile[]): BuiltScan {
  const first = files[0] as ReceivedFile;
  const fields: Record<string, string> = { UID: first.seriesInstanceUid };
  if (first.seriesDescription) {
    fields.series_description = first.seriesDescription;
    fields.type = first.seriesDescription;
  }
  if (first.modality) fields.modality = first.modality;
  if (first.stationName) fields.scanner = first.stationName;
  const startTime = dicomTime(first.seriesTime);
  if (startTime) fields.startTime = startTime;
  fields.frames = String(files.reduce((n, f) => n + Math.max(1, f.frames), 0));
  const sorted = [...files].sort((a, b) => a.name.localeCompare(b.name));
  return { scanId, seriesUid: first.seriesInstanceUid, xsiType: scanTypeForModality(first.modality).xsiType, fields, files: sorted };
}

/** Numeric scan IDs in number order, others after them by name. */
export function compareScanIds(a: string, b: string): number {
  const na = /^\d+/.exec(a);
  const nb = /^\d+/.exec(b);
  if (na && nb && Number(na[0]) !== Number(nb[0])) return Number(na[0]) - Number(nb[0]);
  if (na && !nb) return -1;
  if (!na && nb) return 1;
  return a.localeCompare(b);
}

/** DICOM DA (YYYYMMDD) as YYYY-MM-DD; undefined when not a date. */
export function dicomDate(value: string): string | undefined {
  const m = /^(\d{4})\.?(\d{2})\.?(\d{2})$/.exec(value.trim());
  return m ? `${m[1]}-${m[2]}-${m[3]}` : undefined;
}

/** DICOM TM (HHMMSS.frac, parts optional) as HH:MM:SS; undefined when not a time. */
export function dicomTime(value: string): string | undefined {
  const m = /^(\d{2}):?(\d{2})?:?(\d{2})?/.exec(value.trim());
  if (!m) return undefined;
  return `${m[1]}:${m[2] ?? '00'}:${m[3] ?? '00'}`;
}
