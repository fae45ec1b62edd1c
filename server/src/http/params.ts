/**
 * Query (and form) parameters as XNAT clients send them: repeated names, any case for some keys,
 * values sometimes unencoded (pyxnat concatenates them).
 */
export class Params {
  private readonly values = new Map<string, string[]>();

  constructor(...sources: (Record<string, unknown> | URLSearchParams | undefined)[]) {
    for (const source of sources) {
      if (!source) continue;
      const entries = source instanceof URLSearchParams ? [...source.entries()] : Object.entries(source);
      for (const [rawName, value] of entries) {
        const list = Array.isArray(value) ? value.map(String) : value === undefined || value === null ? [] : [String(value)];
        if (list.length === 0) this.values.set(rawName, this.values.get(rawName) ?? []);
        for (const item of list) {
          const [name, v] = rejoinBracketed(rawName, item);
          this.values.set(name, [...(this.values.get(name) ?? []), v]);
        }
      }
    }
  }

  /** First value of a parameter; exact name first, then case-insensitive. */
  get(name: string): string | undefined {
    const exact = this.values.get(name);
    if (exact) return exact[0];
    const lower = name.toLowerCase();
    for (const [k, v] of this.values) if (k.toLowerCase() === lower) return v[0];
    return undefined;
  }

  /** The first of several spellings that is present. */
  first(...names: string[]): string | undefined {
    for (const n of names) {
      const v = this.get(n);
      if (v !== undefined) return v;
    }
    return undefined;
  }

  all(name: string): string[] {
    const out: string[] = [];
    for (const [k, v] of this.values) if (k.toLowerCase() === name.toLowerCase()) out.push(...v);
    return out;
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  /** `true`/`false` (any case, also 1/0); undefined when absent or unrecognised. */
  bool(name: string): boolean | undefined {
    const v = this.get(name)?.toLowerCase();
    if (v === 'true' || v === '1' || v === 'yes') return true;
    if (v === 'false' || v === '0' || v === 'no') return false;
    return undefined;
  }

  /** Every parameter with its first value, except the named ones. */
  entries(except: Iterable<string> = []): Record<string, string> {
    const skip = new Set([...except].map((s) => s.toLowerCase()));
    const out: Record<string, string> = {};
    for (const [k, v] of this.values) if (!skip.has(k.toLowerCase()) && v[0] !== undefined) out[k] = v[0];
    return out;
  }
}

/**
 * pyxnat's create() sends typed xpaths unencoded (`demographics[@xsi:type=xnat:demographicData]/gender=F`),
 * so the query parser splits at the `=` inside the brackets; put the name back together.
 */
function rejoinBracketed(name: string, value: string): [string, string] {
  if (!name.includes('[') || name.lastIndexOf('[') < name.lastIndexOf(']')) return [name, value];
  const joined = `${name}=${value}`;
  const close = joined.indexOf(']', name.length);
  const equals = close < 0 ? -1 : joined.indexOf('=', close);
  return equals < 0 ? [name, value] : [joined.slice(0, equals), joined.slice(equals + 1)];
}
