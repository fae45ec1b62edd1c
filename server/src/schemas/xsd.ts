import { escapeXml, xmlAttrs } from '../lib/xml.js';

/**
 * A small model of the XML Schema subset XNAT's schemas use, and its rendering. Clients read these
 * files literally: xnatpy takes namespace prefixes from the `<xs:schema ...>` start tag with a regex
 * and reads `xdat:element` annotations for display identifiers, so the text shape matters.
 */
export const XS_NAMESPACE = 'http://www.w3.org/2001/XMLSchema';
/** XNAT's annotation vocabulary (`xdat:element`, `xdat:field`) and its base types (LONGVARCHAR). */
export const XDAT_NAMESPACE = 'http://nrg.wustl.edu/xdat';

export interface XsdSimpleType {
  readonly base: string;
  readonly enumeration?: readonly string[];
  readonly maxLength?: number;
}

export interface XsdAttribute {
  readonly name: string;
  /** A built-in (`xs:string`) or named simple type; absent when `simple` restricts inline. */
  readonly type?: string;
  readonly simple?: XsdSimpleType;
  readonly required?: boolean;
  readonly doc?: string;
}

export interface XsdElement {
  readonly name: string;
  /** A built-in or named type; absent when `simple` or `complex` defines the type inline. */
  readonly type?: string;
  readonly simple?: XsdSimpleType;
  readonly complex?: XsdComplexType;
  readonly minOccurs?: number;
  readonly maxOccurs?: number | 'unbounded';
  readonly doc?: string;
}

export interface XsdComplexType {
  /** Absent for an anonymous type inside an element. */
  readonly name?: string;
  /** complexContent extension of another complex type. */
  readonly base?: string;
  /** simpleContent extension: the element holds text of this type plus the attributes. */
  readonly textBase?: string;
  readonly abstract?: boolean;
  /** The fields XNAT shows to identify an item (`xdat:element displayIdentifiers`). */
  readonly displayIdentifiers?: string;
  readonly doc?: string;
  readonly elements: readonly XsdElement[];
  readonly attributes: readonly XsdAttribute[];
}

export interface XsdNamedSimpleType extends XsdSimpleType {
  readonly name: string;
  readonly doc?: string;
}

export interface XsdSchema {
  readonly prefix: string;
  readonly targetNamespace: string;
  /** Every prefix the schema uses, the target's own included. */
  readonly namespaces: Readonly<Record<string, string>>;
  readonly imports: readonly { readonly namespace: string; readonly schemaLocation: string }[];
  readonly doc: string;
  /** Top-level elements: the root tags of documents (`<xnat:Project>`) and their types. */
  readonly elements: readonly { readonly name: string; readonly type: string }[];
  readonly simpleTypes: readonly XsdNamedSimpleType[];
  readonly complexTypes: readonly XsdComplexType[];
}

export function renderXsd(schema: XsdSchema): string {
  const ns = Object.entries({ xs: XS_NAMESPACE, ...schema.namespaces })
    .map(([prefix, uri]) => ` xmlns:${prefix}="${escapeXml(uri)}"`).join('');
  // A default namespace too: pyxnat's schema helpers name the target namespace after it.
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<xs:schema targetNamespace="${escapeXml(schema.targetNamespace)}"${ns} xmlns="${escapeXml(schema.targetNamespace)}" elementFormDefault="qualified" attributeFormDefault="unqualified">`,
    `\t<xs:annotation><xs:documentation>${escapeXml(schema.doc)}</xs:documentation></xs:annotation>`,
  ];
  for (const i of schema.imports) out.push(`\t<xs:import${xmlAttrs({ namespace: i.namespace, schemaLocation: i.schemaLocation })}/>`);
  for (const e of schema.elements) out.push(`\t<xs:element${xmlAttrs({ name: e.name, type: e.type })}/>`);
  for (const t of schema.simpleTypes) {
    out.push(`\t<xs:simpleType name="${escapeXml(t.name)}">`);
    if (t.doc) out.push(`\t\t<xs:annotation><xs:documentation>${escapeXml(t.doc)}</xs:documentation></xs:annotation>`);
    out.push(...restriction(t, 2), '\t</xs:simpleType>');
  }
  for (const t of schema.complexTypes) out.push(...complexType(t, 1));
  out.push('</xs:schema>', '');
  return out.join('\n');
}

const tabs = (n: number) => '\t'.repeat(n);

function annotation(depth: number, doc: string | undefined, xdat?: Record<string, string | undefined>): string[] {
  const hasXdat = xdat && Object.values(xdat).some((v) => v !== undefined);
  if (!doc && !hasXdat) return [];
  const out = [`${tabs(depth)}<xs:annotation>`];
  if (hasXdat) out.push(`${tabs(depth + 1)}<xs:appinfo><xdat:element${xmlAttrs(xdat)}/></xs:appinfo>`);
  if (doc) out.push(`${tabs(depth + 1)}<xs:documentation>${escapeXml(doc)}</xs:documentation>`);
  out.push(`${tabs(depth)}</xs:annotation>`);
  return out;
}

function restriction(t: XsdSimpleType, depth: number): string[] {
  const facets = [
    ...(t.maxLength !== undefined ? [`<xs:maxLength value="${t.maxLength}"/>`] : []),
    ...(t.enumeration ?? []).map((v) => `<xs:enumeration value="${escapeXml(v)}"/>`),
  ];
  if (facets.length === 0) return [`${tabs(depth)}<xs:restriction base="${escapeXml(t.base)}"/>`];
  return [`${tabs(depth)}<xs:restriction base="${escapeXml(t.base)}">`, ...facets.map((f) => `${tabs(depth + 1)}${f}`), `${tabs(depth)}</xs:restriction>`];
}

function complexType(t: XsdComplexType, depth: number): string[] {
  const open = `${tabs(depth)}<xs:complexType${xmlAttrs({ name: t.name, abstract: t.abstract ? 'true' : undefined })}>`;
  const out = [open, ...annotation(depth + 1, t.doc, { displayIdentifiers: t.displayIdentifiers })];
  const body = (d: number) => [...sequence(t.elements, d), ...t.attributes.flatMap((a) => attribute(a, d))];
  if (t.textBase) {
    out.push(`${tabs(depth + 1)}<xs:simpleContent>`, `${tabs(depth + 2)}<xs:extension base="${escapeXml(t.textBase)}">`,
      ...t.attributes.flatMap((a) => attribute(a, depth + 3)), `${tabs(depth + 2)}</xs:extension>`, `${tabs(depth + 1)}</xs:simpleContent>`);
  } else if (t.base) {
    out.push(`${tabs(depth + 1)}<xs:complexContent>`, `${tabs(depth + 2)}<xs:extension base="${escapeXml(t.base)}">`,
      ...body(depth + 3), `${tabs(depth + 2)}</xs:extension>`, `${tabs(depth + 1)}</xs:complexContent>`);
  } else {
    out.push(...body(depth + 1));
  }
  out.push(`${tabs(depth)}</xs:complexType>`);
  return out;
}

function sequence(elements: readonly XsdElement[], depth: number): string[] {
  if (elements.length === 0) return [];
  return [`${tabs(depth)}<xs:sequence>`, ...elements.flatMap((e) => element(e, depth + 1)), `${tabs(depth)}</xs:sequence>`];
}

function element(e: XsdElement, depth: number): string[] {
  const attrs = xmlAttrs({ name: e.name, type: e.type, minOccurs: e.minOccurs, maxOccurs: e.maxOccurs });
  const inner = [
    ...annotation(depth + 1, e.doc),
    ...(e.simple ? [`${tabs(depth + 1)}<xs:simpleType>`, ...restriction(e.simple, depth + 2), `${tabs(depth + 1)}</xs:simpleType>`] : []),
    ...(e.complex ? complexType(e.complex, depth + 1) : []),
  ];
  if (inner.length === 0) return [`${tabs(depth)}<xs:element${attrs}/>`];
  return [`${tabs(depth)}<xs:element${attrs}>`, ...inner, `${tabs(depth)}</xs:element>`];
}

function attribute(a: XsdAttribute, depth: number): string[] {
  const attrs = xmlAttrs({ name: a.name, type: a.type, use: a.required ? 'required' : undefined });
  const inner = [
    ...annotation(depth + 1, a.doc),
    ...(a.simple ? [`${tabs(depth + 1)}<xs:simpleType>`, ...restriction(a.simple, depth + 2), `${tabs(depth + 1)}</xs:simpleType>`] : []),
  ];
  if (inner.length === 0) return [`${tabs(depth)}<xs:attribute${attrs}/>`];
  return [`${tabs(depth)}<xs:attribute${attrs}>`, ...inner, `${tabs(depth)}</xs:attribute>`];
}
