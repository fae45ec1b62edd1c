import { findField, type FieldDef } from '../../domain/fields.js';
import { invalidInput } from '../../domain/errors.js';
import type { ColumnFilter, Page } from '../../repositories/listing.js';
import type { Params } from '../params.js';

/**
 * `columns=` handling (xnat-api.md §2.5): the defaults, or the requested ones that exist, with ID
 * and URI always present. A requested xpath comes back under its shortcut key.
 */
export function chooseColumns(params: Params, defaults: readonly string[], available: readonly string[], fields: readonly FieldDef[] = []): string[] {
  const requested = params.get('columns');
  if (!requested || requested === 'DEFAULT') return [...defaults];
  const byLower = new Map(available.map((c) => [c.toLowerCase(), c]));
  const out: string[] = [];
  for (const raw of requested.split(',').map((c) => c.trim()).filter(Boolean)) {
    if (raw === 'DEFAULT') out.push(...defaults);
    const name = byLower.get(raw.toLowerCase()) ?? byLower.get(raw.slice(raw.lastIndexOf('/') + 1).toLowerCase()) ?? findField(fields, raw)?.key;
    if (name && byLower.has(name.toLowerCase()) && !out.includes(name)) out.push(name);
  }
  for (const always of ['ID', 'URI']) if (available.includes(always) && defaults.includes(always) && !out.includes(always)) out.push(always);
  return out;
}

/** XNAT's `limit`/`offset` (`*` means no limit); returns the page and whether paging was asked for. */
export function pageFrom(params: Params, max = Number.MAX_SAFE_INTEGER): { page: Page; paged: boolean } {
  const rawLimit = params.get('limit');
  const rawOffset = params.get('offset');
  if ((rawLimit === undefined || rawLimit === '*') && rawOffset === undefined) return { page: { limit: max }, paged: false };
  const limit = rawLimit === undefined || rawLimit === '*' ? (rawOffset !== undefined ? 100 : max) : Number(rawLimit);
  const offset = rawOffset === undefined ? 0 : Number(rawOffset);
  if (!Number.isSafeInteger(limit) || limit < 0) throw invalidInput(`Invalid limit '${rawLimit}'`);
  if (!Number.isSafeInteger(offset) || offset < 0) throw invalidInput(`Invalid offset '${rawOffset}'`);
  return { page: { limit, offset }, paged: true };
}

/** Listing filters (`gender=female`, `date=2024-01-*`, `ID=A,B`) on field columns and a few core columns. */
export function filtersFrom(params: Params, fields: readonly FieldDef[], core: Record<string, string>, reserved: readonly string[]): ColumnFilter[] {
  const skip = new Set(['format', 'columns', 'limit', 'offset', 'sortby', 'sortorder', 'xsitype', 'xnat_csrf', 'fields', 'accept-not-found', ...reserved.map((r) => r.toLowerCase())]);
  const out: ColumnFilter[] = [];
  for (const [name, value] of Object.entries(params.entries())) {
    if (skip.has(name.toLowerCase())) continue;
    const coreColumn = Object.entries(core).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
    const column = coreColumn ?? findField(fields, name)?.column;
    if (column) out.push({ column, patterns: value.split(',').map((v) => v.trim()).filter(Boolean) });
  }
  return out;
}

/** `sortBy=a,b&sortOrder=DESC`, applied in memory like XNAT does. */
export function sortRows<T extends Record<string, string>>(rows: T[], params: Params): T[] {
  const sortBy = params.get('sortBy');
  if (!sortBy) return rows;
  const keys = sortBy.split(',').map((s) => s.trim()).filter(Boolean);
  const desc = params.get('sortOrder')?.toUpperCase() === 'DESC' ? -1 : 1;
  return [...rows].sort((a, b) => {
    for (const k of keys) {
      const c = (a[k] ?? '').localeCompare(b[k] ?? '', 'en', { numeric: true });
      if (c !== 0) return c * desc;
    }
    return 0;
  });
}
