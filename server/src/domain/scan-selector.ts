import type { Scan } from './entities.js';

/**
 * XNAT's scan segment (xnat-api.md §1.2): `ALL` or `*`, or a comma list where each entry is a scan
 * ID or a scan type; `[SLASH]` and `[COMMA]` stand for '/' and ',' inside a type, `NULL` matches an
 * empty type.
 */
export function selectScans(scans: readonly Scan[], selector: string): Scan[] {
  if (selector === 'ALL' || selector === '*') return [...scans];
  const wanted = selector.split(',').map((s) => s.trim()).filter(Boolean)
    .map((s) => s.replace(/\[SLASH\]/g, '/').replace(/\[COMMA\]/g, ','));
  return scans.filter((scan) => wanted.some((w) => w === scan.scanId || (w === 'NULL' ? !scan.fields.type : w === scan.fields.type)));
}

/** Whether a scan segment names several scans rather than one scan ID. */
export function isMultiScanSelector(selector: string): boolean {
  return selector === 'ALL' || selector === '*' || selector.includes(',');
}
