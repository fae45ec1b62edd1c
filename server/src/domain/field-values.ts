import { invalidInput } from './errors.js';
import { findField, type FieldDef } from './fields.js';
import type { FieldValues } from './entities.js';

/** What a client sends to clear a field (xnatpy sends `NULL` for `del obj.field`). */
export const CLEAR = 'NULL';

const SYNONYMS: Record<string, Record<string, string>> = {
  gender: { m: 'male', f: 'female', o: 'other', u: 'unknown' },
  handedness: { r: 'right', l: 'left', a: 'ambidextrous', u: 'unknown' },
};

/**
 * Checks and normalises one field value; returns null to clear the field. Dates become
 * YYYY-MM-DD (accepting DICOM's YYYYMMDD and XNAT's MM/DD/YYYY), times HH:MM:SS.
 */
export function normaliseFieldValue(def: FieldDef, raw: string): string | null {
  const value = raw.trim();
  if (value === '' || value === CLEAR) return null;
  const bad = (expected: string) => invalidInput(`Invalid value '${raw}' for ${def.key}: expected ${expected}`);
  switch (def.type) {
    case 'date': {
      const m = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(value) ?? usDate(value);
      if (!m || !isRealDate(Number(m[1]), Number(m[2]), Number(m[3]))) throw bad('a date (YYYY-MM-DD)');
      return `${m[1]}-${m[2]}-${m[3]}`;
    }
    case 'time': {
      const m = /^(\d{2}):?(\d{2})(?::?(\d{2})(\.\d{1,6})?)?$/.exec(value);
      if (!m || Number(m[1]) > 23 || Number(m[2]) > 59 || Number(m[3] ?? 0) > 59) throw bad('a time (HH:MM:SS)');
      return `${m[1]}:${m[2]}:${m[3] ?? '00'}`;
    }
    case 'int':
      if (!/^-?\d{1,15}$/.test(value)) throw bad('a whole number');
      return String(Number(value));
    case 'float':
      if (!/^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(value) || !Number.isFinite(Number(value))) throw bad('a number');
      return String(Number(value));
    default: {
      if (value.length > (def.type === 'text' ? 65536 : 1024)) throw bad(`at most ${def.type === 'text' ? 65536 : 1024} characters`);
      if (!def.values) return value;
      const lower = value.toLowerCase();
      const normal = SYNONYMS[def.key]?.[lower] ?? lower;
      if (!def.values.includes(normal)) throw bad(`one of ${def.values.join(', ')}`);
      return normal;
    }
  }
}

function usDate(value: string): RegExpExecArray | null {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(value);
  if (!m) return null;
  const out = [value, m[3] as string, (m[1] as string).padStart(2, '0'), (m[2] as string).padStart(2, '0')] as unknown as RegExpExecArray;
  return out;
}

function isRealDate(y: number, m: number, d: number): boolean {
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** A change to descriptive fields: a value sets, null clears. */
export type FieldChanges = Record<string, string | null>;

/**
 * Picks the parameters that name fields of this entity (shortcut keys or xpaths) and normalises
 * them. Parameters that are not fields are returned in `unknown` so the caller can decide.
 */
export function fieldChangesFrom(defs: readonly FieldDef[], params: Record<string, string>): { changes: FieldChanges; unknown: string[] } {
  const changes: FieldChanges = {};
  const unknown: string[] = [];
  for (const [name, value] of Object.entries(params)) {
    const def = findField(defs, name);
    if (def) changes[def.key] = normaliseFieldValue(def, value);
    else unknown.push(name);
  }
  return { changes, unknown };
}

export function applyChanges(values: FieldValues, changes: FieldChanges): FieldValues {
  const out: Record<string, string> = { ...values };
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) delete out[key];
    else out[key] = value;
  }
  return out;
}
