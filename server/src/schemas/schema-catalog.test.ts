import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { EXPERIMENT_FIELDS, PROJECT_FIELDS, SCAN_FIELDS, SUBJECT_FIELDS } from '../domain/fields.js';
import { XSI_TYPES, typeChain } from '../domain/xsi-types.js';
import { schemaNames, schemaText } from './schema-catalog.js';

type Node = Record<string, unknown>;
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (name) => name.startsWith('xs:') });
const asList = (v: unknown): Node[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]) as Node[];

/** Every complex and simple type of a schema by qualified name, with its base. */
function typesOf(name: string): Map<string, { base?: string; node: Node }> {
  const doc = parser.parse(schemaText(name) as string) as Node;
  const root = asList(doc['xs:schema'])[0] as Node;
  const prefix = name;
  const out = new Map<string, { base?: string; node: Node }>();
  for (const t of asList(root['xs:complexType'])) {
    const ext = asList(asList(asList(t['xs:complexContent'])[0]?.['xs:extension'])[0]);
    out.set(`${prefix}:${t['@name']}`, { base: ext[0]?.['@base'] as string | undefined, node: t });
  }
  for (const t of asList(root['xs:simpleType'])) out.set(`${prefix}:${t['@name']}`, { node: t });
  return out;
}

/** Names of the elements and attributes a type declares itself, at any depth of its own content. */
function declaredNames(node: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(node)) node.forEach((n) => declaredNames(n, into));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node as Node)) {
      if (key === 'xs:element' || key === 'xs:attribute') asList(value).forEach((e) => into.add(e['@name'] as string));
      declaredNames(value, into);
    }
  }
  return into;
}

describe('published XSD schemas', () => {
  const all = new Map([...typesOf('xnat'), ...typesOf('xdat')]);

  it('lists xnat and xdat, and serves them by name and by namespace/name', () => {
    assert.deepEqual(schemaNames(), ['xnat', 'xdat']);
    assert.equal(schemaText('xdat/xdat'), schemaText('xdat'));
    assert.equal(schemaText('xnat/xnat'), schemaText('xnat'));
    assert.equal(schemaText('catalog'), undefined);
    assert.equal(schemaText('xnat/other'), undefined);
    assert.equal(schemaText('constructor'), undefined);
  });

  it('renders well-formed XML whose start tag declares every prefix it uses (xnatpy reads them there)', () => {
    for (const name of schemaNames()) {
      const text = schemaText(name) as string;
      assert.equal(XMLValidator.validate(text), true, name);
      const declared = new Set([...(/<xs:schema([^>]*)>/.exec(text)?.[1] ?? '').matchAll(/xmlns:(\w+)="\S+"/g)].map((m) => m[1]));
      const used = new Set([...text.matchAll(/(?:type|base)="(\w+):/g)].map((m) => m[1]));
      for (const prefix of used) assert.ok(declared.has(prefix), `${name} uses undeclared prefix ${prefix}`);
    }
  });

  it('defines every type it references, so clients can resolve each extension base', () => {
    for (const name of schemaNames()) {
      for (const [, ref] of (schemaText(name) as string).matchAll(/(?:type|base)="((?:xnat|xdat):\w+)"/g)) {
        assert.ok(all.has(ref as string), `${name} references undefined type ${ref}`);
      }
    }
    assert.ok(all.has('xdat:LONGVARCHAR'));
    assert.ok(all.has('xdat:jsonb'));
  });

  it('declares every stored data type with its base chain and its document element', () => {
    const text = schemaText('xnat') as string;
    for (const info of XSI_TYPES) {
      const chain = typeChain(info.xsiType);
      for (let i = 0; i < chain.length - 1; i++) assert.equal(all.get(chain[i] as string)?.base, chain[i + 1], `base of ${chain[i]}`);
      assert.equal(all.get(chain[chain.length - 1] as string)?.base, undefined);
      assert.match(text, new RegExp(`<xs:element name="${info.element.slice(5)}" type="${info.xsiType}"/>`));
    }
    for (const core of ['projectData', 'subjectData', 'projectParticipant', 'demographicData', 'abstractResource', 'resource', 'resourceCatalog']) {
      assert.ok(all.has(`xnat:${core}`), core);
    }
    assert.equal(all.get('xnat:resourceCatalog')?.base, 'xnat:resource');
    assert.equal(all.get('xnat:resource')?.base, 'xnat:abstractResource');
    assert.equal(all.get('xnat:demographicData')?.base, 'xnat:abstractDemographicData');
  });

  it('places every descriptive field on the type that declares it, under the name documents use', () => {
    const lists: [string, typeof PROJECT_FIELDS][] = [['xnat:projectData', PROJECT_FIELDS], ['xnat:subjectData', SUBJECT_FIELDS], ['', EXPERIMENT_FIELDS], ['', SCAN_FIELDS]];
    for (const [, defs] of lists) {
      for (const def of defs) {
        const type = all.get(def.declaredOn);
        assert.ok(type, `type ${def.declaredOn} of ${def.key}`);
        const leaf = def.xpath.replace(/\[[^\]]*\]/g, '').split('/').pop()?.replace('@', '') as string;
        const names = declaredNames(type.node);
        const holder = def.xpath.split('/')[0]?.replace(/\[.*$/, '') as string;
        const nested = ['PI', 'investigator'].includes(holder) ? declaredNames(all.get('xnat:investigatorData')?.node) : new Set<string>();
        assert.ok(names.has(leaf) || nested.has(leaf), `${def.declaredOn} declares ${def.xpath}`);
      }
    }
    const subject = declaredNames(all.get('xnat:subjectData')?.node);
    for (const name of ['ID', 'project', 'label', 'demographics', 'sharing', 'share', 'experiments', 'experiment', 'resources']) assert.ok(subject.has(name), name);
    const session = declaredNames(all.get('xnat:imageSessionData')?.node);
    for (const name of ['scans', 'scan', 'scanner', 'manufacturer']) assert.ok(session.has(name), name);
    assert.ok(declaredNames(all.get('xnat:subjectAssessorData')?.node).has('subject_ID'));
  });

  it('marks display identifiers with xdat:element annotations', () => {
    const text = schemaText('xnat') as string;
    for (const type of ['subjectData', 'experimentData', 'mrSessionData', 'abstractResource']) {
      assert.match(text, new RegExp(`<xs:complexType name="${type}"[^>]*>\\s*<xs:annotation>\\s*<xs:appinfo><xdat:element displayIdentifiers="label"/>`), type);
    }
  });
});
