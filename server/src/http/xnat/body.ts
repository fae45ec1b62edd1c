import { XMLParser } from 'fast-xml-parser';
import type { FastifyRequest } from 'fastify';
import { AppError, invalidInput } from '../../domain/errors.js';
import type { FieldDef } from '../../domain/fields.js';
import { fieldChangesFrom, type FieldChanges } from '../../domain/field-values.js';
import type { Params } from '../params.js';

/** Reads a small request body as text, refusing more than `limit` bytes. */
export async function readBodyText(request: FastifyRequest, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request.raw as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new AppError('payload_too_large', `Request body is larger than ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Form fields of an urlencoded body (pyxnat and DXM post some parameters this way). */
export async function readFormBody(request: FastifyRequest, limit: number): Promise<URLSearchParams | undefined> {
  if (!/application\/x-www-form-urlencoded/i.test(request.headers['content-type'] ?? '')) return undefined;
  return new URLSearchParams(await readBodyText(request, limit));
}

const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', removeNSPrefix: true, parseTagValue: false, parseAttributeValue: false, trimValues: true });

/**
 * Flattens an XNAT XML document (`<xnat:Subject ID=".." label=".."><xnat:demographics><xnat:gender>F</..>`)
 * into `path → value` pairs relative to the root, which the field table understands.
 */
export function flattenXmlDocument(text: string): { root: string; values: Record<string, string> } {
  let doc: Record<string, unknown>;
  try {
    doc = xml.parse(text, true) as Record<string, unknown>;
  } catch (e) {
    throw new AppError('invalid_input', `The XML body cannot be parsed: ${(e as Error).message}`);
  }
  const rootName = Object.keys(doc).find((k) => !k.startsWith('?'));
  if (!rootName) throw invalidInput('The XML body has no root element');
  const values: Record<string, string> = {};
  const walk = (node: unknown, prefix: string) => {
    if (node === null || typeof node !== 'object') {
      if (prefix) values[prefix] = String(node ?? '');
      return;
    }
    for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
      if (key.startsWith('@')) {
        const attr = key.slice(1);
        if (attr.startsWith('xmlns') || attr.includes(':') || attr === 'type' || attr === 'schemaLocation') continue;
        values[prefix ? `${prefix}/${attr}` : attr] = String(value);
      } else if (key === '#text') {
        if (prefix) values[prefix] = String(value);
      } else if (!Array.isArray(value)) {
        walk(value, prefix ? `${prefix}/${key}` : key);
      }
    }
  };
  walk(doc[rootName], '');
  return { root: rootName, values };
}

/** Parameters that steer a request rather than set a field; they are never treated as field values. */
export const CONTROL_PARAMS = [
  'format', 'xsiType', 'ELEMENT_0', 'req_format', 'inbody', 'event_reason', 'event_type', 'event_action', 'event_comment',
  'XNAT_CSRF', 'allowDataDeletion', 'loadExisting', 'populateFromDB', 'activate', 'quarantine', 'removeFiles', 'label',
  'overwrite', 'extract', 'columns', 'limit', 'offset', 'sortBy', 'sortOrder', 'ID',
  'project', 'subject_ID', 'primary', 'triggerPipelines', 'fixScanTypes', 'pullDataFromHeaders', 'accessibility', 'alias',
  'aliases', 'update-stats', 'file_stats', 'cache_file_stats', '_lock', '_unlock', '_obsolete', 'concealHiddenFields',
];

/**
 * Field changes from query parameters (shortcuts and xpaths) and, for XML bodies, the document.
 * A parameter written as an xpath of this type that names no known field is refused, so values are
 * never silently dropped; other unknown parameters are ignored, as XNAT does.
 */
export function fieldChangesFromRequest(defs: readonly FieldDef[], params: Params, xmlValues: Record<string, string> = {}, extraControl: readonly string[] = []): FieldChanges {
  const { changes: fromXml } = fieldChangesFrom(defs, stripCore(xmlValues));
  const { changes, unknown } = fieldChangesFrom(defs, params.entries([...CONTROL_PARAMS, ...extraControl]));
  const badXpath = unknown.find((name) => /^[A-Za-z]+:[A-Za-z]+\//.test(name) && !/\/(label|id|project|subject_id)$/i.test(name));
  if (badXpath) throw invalidInput(`Unknown field '${badXpath}'`);
  return { ...fromXml, ...changes };
}

function stripCore(values: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(values)) {
    if (['ID', 'project', 'label', 'subject_ID'].includes(k) || k.startsWith('sharing/') || k.startsWith('scans/') || k.startsWith('resources/')) continue;
    out[k] = v;
  }
  return out;
}

/** Reads an XML body when the request carries one (text/xml, application/xml, or req_format=xml). */
export async function readXmlValues(request: FastifyRequest, params: Params, limit: number): Promise<{ root: string; values: Record<string, string> } | undefined> {
  const type = request.headers['content-type'] ?? '';
  if (!/(text|application)\/xml/i.test(type) && params.get('req_format') !== 'xml') return undefined;
  const text = await readBodyText(request, limit);
  if (!text.trim()) return undefined;
  return flattenXmlDocument(text);
}

/** A core value sent as `{type}/{name}` (xnatpy: `xnat:subjectData/label=L`, `xnat:mrScanData/id=1`). */
export function typedParam(params: Params, name: string): string | undefined {
  const re = new RegExp(`^[A-Za-z]+:[A-Za-z]+/${name}$`, 'i');
  return Object.entries(params.entries()).find(([k]) => re.test(k))?.[1];
}
