import { EXPERIMENT_FIELDS, NESTED_ITEM_TYPES, PROJECT_FIELDS, SCAN_FIELDS, SUBJECT_FIELDS, type FieldDef, type FieldType } from '../domain/fields.js';
import { XSI_TYPES } from '../domain/xsi-types.js';
import { XDAT_NAMESPACE, type XsdAttribute, type XsdComplexType, type XsdElement, type XsdSchema } from './xsd.js';

/**
 * The `xnat` schema, generated from the server's own model: the descriptive fields of fields.ts
 * placed on the type that declares them, the data types of xsi-types.ts with their bases, and the
 * structural parts below (IDs, labels, sharing, child collections) named as our XML and JSON
 * documents name them. xnatpy builds its classes from this file at connect time.
 */
export const XNAT_NAMESPACE = 'http://nrg.wustl.edu/xnat';

/** A type's place in the hierarchy and the parts that are not descriptive fields. */
interface TypeDecl {
  readonly name: string;
  readonly base?: string;
  readonly abstract?: boolean;
  readonly displayIdentifiers?: string;
  readonly doc: string;
  readonly attributes?: readonly XsdAttribute[];
  /** Structural child elements, placed after the descriptive fields. */
  readonly children?: readonly XsdElement[];
}

const attr = (name: string, doc?: string, required = false): XsdAttribute => ({ name, type: 'xs:string', required, doc });
const intAttr = (name: string, doc?: string): XsdAttribute => ({ name, type: 'xs:integer', doc });
const list = (container: string, item: string, type: string, doc: string): XsdElement => ({
  name: container, minOccurs: 0, doc,
  complex: { elements: [{ name: item, type, minOccurs: 0, maxOccurs: 'unbounded' }], attributes: [] },
});
const RESOURCES = list('resources', 'resource', 'xnat:abstractResource', 'Files attached to this item, in catalogued resources');


/** The abstract and structural types, in hierarchy order; concrete data types come from xsi-types.ts. */
const STRUCTURE: readonly TypeDecl[] = [
  { name: 'investigatorData', doc: 'A principal investigator or other researcher', attributes: [attr('ID')] },
  { name: 'abstractDemographicData', abstract: true, doc: 'Demographics of a subject; see demographicData' },
  { name: 'demographicData', base: 'xnat:abstractDemographicData', doc: 'Demographics of a human subject' },
  {
    name: 'projectData', doc: 'A research project: the unit of access control and of the archive tree',
    attributes: [attr('ID', 'Project ID (letters, digits, _ and -)', true)],
    children: [
      {
        name: 'aliases', minOccurs: 0, doc: 'Other IDs the project answers to',
        complex: {
          elements: [{ name: 'alias', minOccurs: 0, maxOccurs: 'unbounded', complex: { textBase: 'xs:string', elements: [], attributes: [attr('source')] } }],
          attributes: [],
        },
      },
      RESOURCES,
    ],
  },
  { name: 'projectParticipant', displayIdentifiers: 'label', doc: 'A subject shared into another project, with its label there', attributes: [attr('project', undefined, true), attr('label'), attr('subject_ID')] },
  {
    name: 'subjectData', displayIdentifiers: 'label', doc: 'A research subject (participant), owned by one project',
    attributes: [attr('ID', 'Site-wide accession ID, e.g. XNAT_S00001'), attr('project', 'The owning project'), attr('label', 'Label, unique in the project')],
    children: [
      list('sharing', 'share', 'xnat:projectParticipant', 'Projects this subject is shared into'),
      list('experiments', 'experiment', 'xnat:subjectAssessorData', 'Sessions and assessments of this subject'),
      RESOURCES,
    ],
  },
  { name: 'experimentData_share', displayIdentifiers: 'label', doc: 'An experiment shared into another project, with its label there', attributes: [attr('project', undefined, true), attr('label')] },
  {
    name: 'experimentData', abstract: true, displayIdentifiers: 'label', doc: 'An experiment: image sessions, subject assessments and image assessments',
    attributes: [attr('ID', 'Site-wide accession ID, e.g. XNAT_E00001'), attr('project', 'The owning project'), attr('label', 'Label, unique in the project')],
    children: [list('sharing', 'share', 'xnat:experimentData_share', 'Projects this experiment is shared into'), RESOURCES],
  },
  {
    name: 'subjectAssessorData', base: 'xnat:experimentData', abstract: true, displayIdentifiers: 'label', doc: 'An experiment about one subject',
    children: [{ name: 'subject_ID', type: 'xs:string', doc: 'Accession ID of the subject' }],
  },
  {
    name: 'imageSessionData', base: 'xnat:subjectAssessorData', abstract: true, displayIdentifiers: 'label', doc: 'An imaging session (DICOM study)',
    children: [
      list('scans', 'scan', 'xnat:imageScanData', 'Scans (DICOM series) of this session'),
      list('assessors', 'assessor', 'xnat:imageAssessorData', 'Derived data about this session'),
    ],
  },
  { name: 'derivedData', base: 'xnat:experimentData', abstract: true, displayIdentifiers: 'label', doc: 'Data derived from other experiments' },
  {
    name: 'imageAssessorData', base: 'xnat:derivedData', displayIdentifiers: 'label', doc: 'Derived data about one image session (QC, segmentation, measures)',
    children: [{ name: 'imageSession_ID', type: 'xs:string', doc: 'Accession ID of the assessed session' }],
  },
  {
    name: 'imageScanData', abstract: true, doc: 'A scan (DICOM series) inside an image session',
    attributes: [attr('ID', 'Scan ID, unique in its session (usually the series number)', true), attr('image_session_ID', 'Accession ID of the session'), intAttr('xnat_imagescandata_id', 'Internal number of the scan')],
    children: [{ name: 'file', type: 'xnat:abstractResource', minOccurs: 0, maxOccurs: 'unbounded', doc: 'Resources (catalogued files) of this scan' }],
  },
  {
    name: 'abstractResource', abstract: true, displayIdentifiers: 'label', doc: 'A set of files attached to an item',
    attributes: [attr('label'), intAttr('xnat_abstractresource_id', 'Internal number clients may address the resource by'), intAttr('file_count'), intAttr('file_size', 'Total size in bytes')],
  },
  { name: 'resource', base: 'xnat:abstractResource', doc: 'Files in a folder of the archive', attributes: [attr('URI'), attr('format'), attr('content'), attr('description')] },
  { name: 'resourceCatalog', base: 'xnat:resource', doc: 'Files listed in a catalog (cat:Catalog) beside them' },
];

const XS_TYPES: Record<FieldType, string> = { string: 'xs:string', text: 'xs:string', date: 'xs:date', time: 'xs:time', int: 'xs:integer', float: 'xs:float' };

function simpleOf(def: FieldDef): Pick<XsdElement, 'type' | 'simple'> {
  return def.values ? { simple: { base: XS_TYPES[def.type], enumeration: def.values } } : { type: XS_TYPES[def.type] };
}

interface PlacedField {
  readonly path: readonly string[];
  readonly def: FieldDef;
}

/** Splits `demographics[@xsi:type=xnat:demographicData]/gender` into the typed holder and the rest. */
const TYPED = /^([A-Za-z_]+)\[@xsi:type=([^\]]+)\]\/(.+)$/;

/**
 * Places every descriptive field on the type that declares it; a field below a typed element
 * (`demographics[@xsi:type=...]`) lives on that type, and the holder element on the list's root type.
 */
function placeFields(): { byType: Map<string, PlacedField[]>; holders: Map<string, XsdElement[]> } {
  const byType = new Map<string, PlacedField[]>();
  const holders = new Map<string, XsdElement[]>();
  const add = (type: string, field: PlacedField) => byType.set(type, [...(byType.get(type) ?? []), field]);
  const lists: [string, readonly FieldDef[]][] = [
    ['xnat:projectData', PROJECT_FIELDS], ['xnat:subjectData', SUBJECT_FIELDS], ['xnat:experimentData', EXPERIMENT_FIELDS], ['xnat:imageScanData', SCAN_FIELDS],
  ];
  for (const [root, defs] of lists) {
    for (const def of defs) {
      const typed = TYPED.exec(def.xpath);
      if (!typed) {
        add(def.declaredOn, { path: def.xpath.split('/'), def });
        continue;
      }
      const [, holder, type, rest] = typed as unknown as [string, string, string, string];
      add(type, { path: rest.split('/'), def });
      const existing = holders.get(root) ?? [];
      const base = STRUCTURE.find((t) => `xnat:${t.name}` === type)?.base ?? type;
      if (!existing.some((e) => e.name === holder)) holders.set(root, [...existing, { name: holder, type: base, minOccurs: 0 }]);
    }
  }
  return { byType, holders };
}

/** Elements and attributes for a group of field paths, nesting `a/b` and `a/@b` under `a`. */
function partsOf(fields: readonly PlacedField[], nested: Map<string, PlacedField[]>): { elements: XsdElement[]; attributes: XsdAttribute[] } {
  const elements: XsdElement[] = [];
  const attributes: XsdAttribute[] = [];
  const groups = new Map<string, { direct?: FieldDef; below: PlacedField[] }>();
  for (const f of fields) {
    const [head, ...rest] = f.path as [string, ...string[]];
    if (head.startsWith('@')) {
      attributes.push({ name: head.slice(1), ...simpleOf(f.def) });
      continue;
    }
    const group = groups.get(head) ?? { below: [] };
    if (rest.length === 0) group.direct = f.def;
    else group.below.push({ path: rest, def: f.def });
    groups.set(head, group);
  }
  for (const [name, { direct, below }] of groups) {
    if (below.length === 0 && direct) {
      elements.push({ name, minOccurs: 0, ...simpleOf(direct) });
    } else if (NESTED_ITEM_TYPES[name]) {
      const type = NESTED_ITEM_TYPES[name] as string;
      nested.set(type, [...(nested.get(type) ?? []), ...below]);
      elements.push({ name, type, minOccurs: 0 });
    } else if (direct && below.every((b) => b.path.length === 1 && (b.path[0] as string).startsWith('@'))) {
      // Text with attributes, e.g. <scanner manufacturer=".." model="..">name</scanner>.
      const inner = partsOf(below, nested);
      elements.push({ name, minOccurs: 0, complex: { textBase: XS_TYPES[direct.type], elements: [], attributes: inner.attributes } });
    } else {
      const inner = partsOf(below, nested);
      elements.push({ name, minOccurs: 0, complex: { elements: inner.elements, attributes: inner.attributes } });
    }
  }
  return { elements, attributes };
}

/** Keeps the first field of each name (investigator fields come from three lists). */
function uniqueByName<T extends { name: string }>(items: readonly T[]): T[] {
  const seen = new Set<string>();
  return items.filter((i) => !seen.has(i.name) && seen.add(i.name));
}

/** Orders types so each comes after its base (readers resolve bases as they go), otherwise as given. */
function basesFirst(decls: readonly TypeDecl[]): TypeDecl[] {
  const out: TypeDecl[] = [];
  const done = new Set<string>();
  const pending = [...decls];
  while (pending.length > 0) {
    const index = pending.findIndex((d) => !d.base || done.has(d.base) || !decls.some((o) => `xnat:${o.name}` === d.base));
    const [next] = pending.splice(index < 0 ? 0 : index, 1) as [TypeDecl];
    out.push(next);
    done.add(`xnat:${next.name}`);
  }
  return out;
}

export function xnatSchema(): XsdSchema {
  const { byType, holders } = placeFields();
  const nested = new Map<string, PlacedField[]>();
  const decls = basesFirst([
    ...STRUCTURE,
    ...XSI_TYPES.filter((info) => !STRUCTURE.some((t) => `xnat:${t.name}` === info.xsiType)).map((info): TypeDecl => ({
      name: info.xsiType.slice('xnat:'.length), base: info.base, displayIdentifiers: info.kind === 'scan' ? undefined : 'label',
      doc: info.modality ? `${info.description} (DICOM modality ${info.modality})` : info.description,
    })),
  ]);
  const built = new Map<string, XsdComplexType>();
  for (const decl of decls) {
    const qualified = `xnat:${decl.name}`;
    const parts = partsOf(byType.get(qualified) ?? [], nested);
    built.set(qualified, {
      name: decl.name, base: decl.base, abstract: decl.abstract, displayIdentifiers: decl.displayIdentifiers, doc: decl.doc,
      elements: [...parts.elements, ...(holders.get(qualified) ?? []), ...(decl.children ?? [])],
      attributes: uniqueByName([...(decl.attributes ?? []), ...parts.attributes]),
    });
  }
  // Nested types (investigatorData) collect their fields from every type that holds one.
  for (const [type, fields] of nested) {
    const existing = built.get(type);
    if (!existing) continue;
    const parts = partsOf(fields, new Map());
    built.set(type, { ...existing, elements: uniqueByName([...existing.elements, ...parts.elements]), attributes: uniqueByName([...existing.attributes, ...parts.attributes]) });
  }
  return {
    prefix: 'xnat',
    targetNamespace: XNAT_NAMESPACE,
    namespaces: { xnat: XNAT_NAMESPACE, xdat: XDAT_NAMESPACE },
    imports: [{ namespace: XDAT_NAMESPACE, schemaLocation: '../xdat/xdat.xsd' }],
    doc: 'XNAT data types stored by this server, generated from its own type definitions.',
    elements: [
      { name: 'Project', type: 'xnat:projectData' },
      { name: 'Subject', type: 'xnat:subjectData' },
      ...XSI_TYPES.map((t) => ({ name: t.element.slice('xnat:'.length), type: t.xsiType })),
      { name: 'ResourceCatalog', type: 'xnat:resourceCatalog' },
    ],
    simpleTypes: [],
    complexTypes: decls.map((d) => built.get(`xnat:${d.name}`) as XsdComplexType),
  };
}
