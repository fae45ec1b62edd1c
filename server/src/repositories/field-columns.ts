import type { FieldDef } from '../domain/fields.js';
import type { FieldValues } from '../domain/entities.js';
import type { FieldChanges } from '../domain/field-values.js';

/** Row columns → field values by shortcut key (strings, unset fields absent). */
export function fieldsFromRow(defs: readonly FieldDef[], row: object): FieldValues {
  const out: Record<string, string> = {};
  const columns = row as Record<string, unknown>;
  for (const def of defs) {
    const v = columns[def.column];
    if (v !== null && v !== undefined) out[def.key] = String(v);
  }
  return out;
}

/** Field values or changes → row columns, typed per field (numbers for int/float). */
export function columnsFromFields(defs: readonly FieldDef[], values: FieldValues | FieldChanges): Record<string, string | number | null> {
  const out: Record<string, string | number | null> = {};
  for (const def of defs) {
    if (!(def.key in values)) continue;
    const v = values[def.key];
    out[def.column] = v === null || v === undefined ? null : def.type === 'int' || def.type === 'float' ? Number(v) : v;
  }
  return out;
}

export const now = () => new Date().toISOString();
export const bool = (v: number | boolean) => (typeof v === 'boolean' ? v : v !== 0);
export const int = (v: boolean) => (v ? 1 : 0);
