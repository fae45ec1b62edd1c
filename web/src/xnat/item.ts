import { getJson, type Query } from './http.ts';

/** One item document (`format=json`): `{items:[{meta, data_fields, children}]}` (XNAT's ItemJSONBuilder). */
interface JsonItem {
  readonly meta: Record<string, unknown>;
  readonly data_fields: Record<string, string>;
  readonly children: readonly { readonly field: string; readonly items: readonly JsonItem[] }[];
}

export interface Item {
  readonly xsiType: string;
  /** Data fields, with single typed sub-elements (demographics) merged in. */
  readonly fields: Readonly<Record<string, string>>;
  readonly children: ReadonlyMap<string, readonly Item[]>;
}

function toItem(json: JsonItem): Item {
  const fields: Record<string, string> = { ...json.data_fields };
  const children = new Map<string, Item[]>();
  for (const child of json.children) {
    const items = child.items.map(toItem);
    children.set(child.field, items);
    if (child.field === 'demographics' && items[0]) Object.assign(fields, items[0].fields);
  }
  return { xsiType: String(json.meta['xsi:type'] ?? ''), fields, children };
}

export async function getItem(path: string, query: Query = {}, signal?: AbortSignal): Promise<Item> {
  const json = await getJson<{ items: JsonItem[] }>(path, query, signal);
  const first = json.items[0];
  if (!first) throw new Error(`The server returned no item for ${path}`);
  return toItem(first);
}
