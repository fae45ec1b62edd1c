import { invalidInput } from '../domain/errors.js';
import { ARC } from './layout.js';

/** XNAT's `structure=` values for zip/tar downloads (xnat-api.md §9.1); `default` when absent. */
export type DownloadStructure = 'default' | 'simplified' | 'improved' | 'legacy';
export const DOWNLOAD_STRUCTURES: readonly DownloadStructure[] = ['default', 'simplified', 'improved', 'legacy'];

export function parseStructure(value: string | undefined): DownloadStructure {
  if (value === undefined || value === '') return 'default';
  const v = value.toLowerCase();
  if ((DOWNLOAD_STRUCTURES as readonly string[]).includes(v)) return v as DownloadStructure;
  throw invalidInput(`Unknown structure '${value}': use ${DOWNLOAD_STRUCTURES.join(', ')}`);
}

/** Where a file sits in the archive's hierarchy, as far as download paths care. */
export interface FilePlace {
  /** XNAT's "archive directory name" of the top item: session label, subject label or project ID. */
  readonly root: string;
  /** `scans` for scan resources, `assessors` for resources of an assessor, `resources` for the item's own. */
  readonly category: 'scans' | 'assessors' | 'resources';
  /** Scan ID and type (category `scans`). */
  readonly scan?: { readonly id: string; readonly type: string };
  /** Assessor label (category `assessors`). */
  readonly assessor?: string;
  readonly resourceLabel: string;
  /** The resource's directory below the archive root (for `legacy`). */
  readonly resourceDir: string;
  /** Path of the file inside its resource. */
  readonly path: string;
}

/**
 * The path of a file inside a zip or tar, the way XNAT lays downloads out
 * (FileList/RestFileUtils in XNAT 1.8):
 * - default:    `MR1/scans/1-T1w/resources/DICOM/files/a/1.dcm` (type with non-word characters as `_`)
 * - simplified: `MR1/scans/1/DICOM/a/1.dcm`
 * - improved:   `scans/1_T1w/DICOM/a/1.dcm` (no session folder; no type in tar, whose names are short)
 * - legacy:     the archive path from the session folder, `MR1/SCANS/1/DICOM/a/1.dcm`
 * Item-level resources drop the category folder (`MR1/resources/NOTES/files/x.txt`).
 */
export function entryPath(place: FilePlace, structure: DownloadStructure, options: { forTar?: boolean } = {}): string {
  const { root, resourceLabel: r, path } = place;
  switch (structure) {
    case 'default': return `${root}/${categoryFolder(place, true)}resources/${r}/files/${path}`;
    case 'simplified': return `${root}/${categoryFolder(place, false)}${r}/${path}`;
    case 'improved': return `${improvedFolder(place, options.forTar ?? false)}${r}/${path}`;
    case 'legacy': return `${legacyResourceDir(place.resourceDir)}/${path}`;
  }
}

/** XNAT's folder for a scan in default downloads: `1-T1w`, or just `1` when the scan has no type. */
export function scanFolder(id: string, type: string): string {
  return type ? `${id}-${type.replace(/\W/g, '_')}` : id;
}

function categoryFolder(place: FilePlace, withType: boolean): string {
  if (place.category === 'scans' && place.scan) return `scans/${withType ? scanFolder(place.scan.id, place.scan.type) : place.scan.id}/`;
  if (place.category === 'assessors' && place.assessor) return `assessors/${place.assessor}/`;
  return '';
}

function improvedFolder(place: FilePlace, forTar: boolean): string {
  if (place.category === 'scans' && place.scan) {
    const type = place.scan.type && !forTar ? `_${place.scan.type.replace(/[/\\:*?"<>|]/g, '_')}` : '';
    return `scans/${place.scan.id}${type}/`;
  }
  if (place.category === 'assessors' && place.assessor) return `assessors/${place.assessor}/`;
  return 'resources/';
}

/**
 * A resource directory seen from its session folder (`P/arc001/MR1/SCANS/1/DICOM` → `MR1/SCANS/1/DICOM`);
 * project and subject resources keep their path from the archive root (`P/resources/NOTES`).
 */
function legacyResourceDir(dir: string): string {
  const marker = `/${ARC}/`;
  const at = dir.indexOf(marker);
  return at >= 0 ? dir.slice(at + marker.length) : dir;
}
