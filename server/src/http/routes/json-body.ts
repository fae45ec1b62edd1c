import { invalidInput } from '../../domain/errors.js';

/**
 * Small readers for native JSON request bodies: each names the field it rejects, and unknown
 * fields are refused (a misspelt option would otherwise be silently ignored).
 */
export function jsonObject(body: unknown, allowed: readonly string[], where = 'the request body'): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw invalidInput(`Send a JSON object as ${where} (Content-Type: application/json)`);
  const unknown = Object.keys(body).filter((k) => !allowed.includes(k));
  if (unknown.length > 0) throw invalidInput(`Unknown field(s) ${unknown.map((k) => `'${k}'`).join(', ')} in ${where}; allowed: ${allowed.join(', ')}`);
  return body as Record<string, unknown>;
}

export function str(o: Record<string, unknown>, name: string, required: true): string;
export function str(o: Record<string, unknown>, name: string, required?: false): string | undefined;
export function str(o: Record<string, unknown>, name: string, required = false): string | undefined {
  const v = o[name];
  if (v === undefined || v === null) {
    if (required) throw invalidInput(`'${name}' is required`);
    return undefined;
  }
  if (typeof v !== 'string' || v === '') throw invalidInput(`'${name}' must be a non-empty string`);
  return v;
}

export function bool(o: Record<string, unknown>, name: string, fallback: boolean): boolean {
  const v = o[name];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'boolean') throw invalidInput(`'${name}' must be true or false`);
  return v;
}

export function strings(o: Record<string, unknown>, name: string): string[] | undefined {
  const v = o[name];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x === '')) throw invalidInput(`'${name}' must be a list of non-empty strings`);
  return v as string[];
}

export function stringMap(o: Record<string, unknown>, name: string): Record<string, string> {
  const v = o[name];
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v) || Object.values(v).some((x) => typeof x !== 'string' || x === '')) {
    throw invalidInput(`'${name}' must be an object mapping names to non-empty strings`);
  }
  return { ...(v as Record<string, string>) };
}
