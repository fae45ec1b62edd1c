import { escapeXml } from '../../lib/xml.js';
import { NESTED_ITEM_TYPES, type FieldDef } from '../../domain/fields.js';

/**
 * One item (project, subject, experiment, scan...) as XNAT documents it: XML with the element name
 * as root, or JSON `{"items":[{meta, data_fields, children}]}` (xnat-api.md §1.4), which xnatpy
 * reads for every object it wraps.
 */
export interface ItemDoc {
  readonly xsiType: string;
  readonly element: string;
  /** XML attributes of the root element, also top-level JSON data_fields (ID, project, label...). */
  readonly attributes: Record<string, string>;
  readonly fields: readonly { readonly def: FieldDef; readonly value: string }[];
  readonly children: readonly { readonly field: string; readonly items: readonly ItemDoc[] }[];
  readonly insertDate?: string;
}

const NAMESPACES = 'xmlns:xnat="http://nrg.wustl.edu/xnat" xmlns:xdat="http://nrg.wustl.edu/security" xmlns:cat="http://nrg.wustl.edu/catalog" xmlns:prov="http://www.nbirn.net/prov" xmlns:arc="http://nrg.wustl.edu/arc" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';

// --- JSON ---

interface JsonItem {
  meta: Record<string, unknown>;
  data_fields: Record<string, string>;
  children: { field: string; items: JsonItem[] }[];
}

export function itemJson(doc: ItemDoc): { items: JsonItem[] } {
  return { items: [toJson(doc)] };
}

function toJson(doc: ItemDoc): JsonItem {
  const data: Record<string, string> = { ...doc.attributes };
  const grouped = new Map<string, Record<string, string>>();
  for (const { def, value } of doc.fields) {
    const path = def.xpath.replace(/(^|\/)@/g, '$1');
    const typed = /^([A-Za-z_]+)\[@xsi:type=([^\]]+)\]\/(.+)$/.exec(path) ?? nestedItem(path);
    if (typed) {
      // Typed sub-elements (demographics, PI) are child items in XNAT's JSON; xnatpy reads them there.
      const key = `${typed[1]}\u0000${typed[2]}`;
      grouped.set(key, { ...(grouped.get(key) ?? {}), [typed[3] as string]: value });
    } else {
      data[path] = value;
    }
  }
  const children: JsonItem['children'] = [];
  for (const [key, fields] of grouped) {
    const [field, type] = key.split('\u0000') as [string, string];
    children.push({ field, items: [{ meta: { 'xsi:type': type, isHistory: false }, data_fields: fields, children: [] }] });
  }
  for (const child of doc.children) children.push({ field: child.field, items: child.items.map(toJson) });
  return {
    meta: { isHistory: false, 'xsi:type': doc.xsiType, start_date: javaDate(doc.insertDate) },
    data_fields: data,
    children,
  };
}

/** `PI/firstname` → the PI child item of type investigatorData, like a typed path. */
function nestedItem(path: string): [string, string, string, string] | undefined {
  const slash = path.indexOf('/');
  const type = slash > 0 ? NESTED_ITEM_TYPES[path.slice(0, slash)] : undefined;
  return type ? [path, path.slice(0, slash), type, path.slice(slash + 1)] : undefined;
}

/** XNAT prints dates with Java's Date.toString(): `Mon Jan 01 00:00:00 UTC 2024`. */
function javaDate(iso?: string): string {
  const d = iso ? new Date(iso) : new Date();
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][d.getUTCDay()];
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()];
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${day} ${month} ${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}

// --- XML ---

interface XmlNode {
  name: string;
  attrs: Record<string, string>;
  text?: string;
  children: XmlNode[];
}

export function itemXml(doc: ItemDoc): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${render(toXmlNode(doc, doc.element, true), NAMESPACES)}\n`;
}

function toXmlNode(doc: ItemDoc, name: string, root: boolean): XmlNode {
  const node: XmlNode = { name, attrs: { ...doc.attributes }, children: [] };
  if (!root) node.attrs['xsi:type'] = doc.xsiType;
  for (const { def, value } of doc.fields) place(node, def.xpath, value);
  for (const child of doc.children) {
    const [outer, inner] = child.field.split('/') as [string, string | undefined];
    const holder = inner ? { name: `xnat:${outer}`, attrs: {}, children: [] as XmlNode[] } : node;
    for (const item of child.items) holder.children.push(toXmlNode(item, `xnat:${inner ?? outer}`, false));
    if (inner && holder.children.length > 0) node.children.push(holder);
  }
  return node;
}

/** Puts a value at an xpath below `node`: `a/b` nests elements, `@x` is an attribute, `[@xsi:type=T]` types an element. */
function place(node: XmlNode, xpath: string, value: string): void {
  const steps = xpath.split('/');
  let current = node;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i] as string;
    const last = i === steps.length - 1;
    if (step.startsWith('@')) {
      current.attrs[step.slice(1)] = value;
      return;
    }
    const m = /^([A-Za-z_]+)(?:\[@xsi:type=([^\]]+)\])?$/.exec(step);
    const name = `xnat:${m?.[1] ?? step}`;
    let next = current.children.find((c) => c.name === name);
    if (!next) {
      next = { name, attrs: m?.[2] ? { 'xsi:type': m[2] } : {}, children: [] };
      current.children.push(next);
    }
    if (last) next.text = value;
    current = next;
  }
}

function render(node: XmlNode, namespaces?: string): string {
  const attrs = Object.entries(node.attrs).map(([k, v]) => ` ${k}="${escapeXml(v)}"`).join('');
  const ns = namespaces ? ` ${namespaces}` : '';
  if (node.children.length === 0 && node.text === undefined) return `<${node.name}${attrs}${ns}/>`;
  const text = node.text !== undefined ? escapeXml(node.text) : '';
  return `<${node.name}${attrs}${ns}>${text}${node.children.map((c) => render(c)).join('')}</${node.name}>`;
}

/** A plain HTML page of an item's fields, for browsers that open an item URL without `format`. */
export function itemHtml(doc: ItemDoc): string {
  const data = toJson(doc).data_fields;
  const rows = Object.entries(data).map(([k, v]) => `<tr><th>${escapeXml(k)}</th><td>${escapeXml(v)}</td></tr>`).join('\n');
  return `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>${escapeXml(doc.element)} ${escapeXml(doc.attributes.ID ?? '')}</title></head><body>\n<h1>${escapeXml(doc.element)} ${escapeXml(doc.attributes.label ?? doc.attributes.ID ?? '')}</h1>\n<table>\n${rows}\n</table>\n</body></html>\n`;
}
