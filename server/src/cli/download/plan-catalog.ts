import { XMLParser } from 'fast-xml-parser';
import { checkFilePath } from '../../domain/names.js';
import { ClientError } from '../client/errors.js';
import type { XnatClient } from '../client/xnat-client.js';
import { dataPath, parseFileUri, type RemoteFile } from './remote-file.js';

type Node = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false, attributeNamePrefix: '', removeNSPrefix: true, parseAttributeValue: false, parseTagValue: false,
  isArray: (name) => ['sets', 'entrySet', 'entries', 'entry', 'metaFields', 'metaField'].includes(name),
});

/**
 * The files a catalog XML names. Two shapes are read: XNAT's download catalog (entry sets per session
 * whose entries are resource folders, `URI=.../files`, `name` = target folder; their files are listed
 * from the server) and file catalogs (`format=xcat`: one entry per file with its URL, `cachePath`, size
 * and MD5). Links to other servers are refused: the stored login is sent with every request.
 */
export async function planCatalog(client: XnatClient, xml: string): Promise<RemoteFile[]> {
  const root = (parser.parse(xml) as { Catalog?: Node }).Catalog;
  if (!root) throw new ClientError('Not a catalog: the XML has no <cat:Catalog> root');
  const out: RemoteFile[] = [];
  await walk(client, root, undefined, 0, out);
  return out;
}

async function walk(client: XnatClient, node: Node, session: string | undefined, depth: number, out: RemoteFile[]): Promise<void> {
  for (const entries of list(node.entries)) {
    for (const entry of list((entries as Node).entry)) await addEntry(client, entry as Node, session, out);
  }
  for (const sets of list(node.sets)) {
    for (const set of list((sets as Node).entrySet)) {
      const id = (set as Node).ID;
      await walk(client, set as Node, depth === 0 && typeof id === 'string' ? id : session, depth + 1, out);
    }
  }
}

async function addEntry(client: XnatClient, entry: Node, session: string | undefined, out: RemoteFile[]): Promise<void> {
  const uri = String(entry.URI ?? '');
  if (!uri) return;
  const url = sameServer(client, uri);
  const meta = new Map(list(entry.metaFields).flatMap((m) => list((m as Node).metaField)).map((f) => [String((f as Node).name), String((f as Node)['#text'] ?? '')]));
  if (entry.cachePath !== undefined || !/\/files\/?$/.test(uri)) {
    const size = meta.get('SIZE') ?? meta.get('size_in_bytes');
    const localPath = checkFilePath(String(entry.cachePath ?? entry.name ?? uri.slice(uri.lastIndexOf('/') + 1)));
    out.push({ url, localPath, size: size ? Number(size) : undefined, md5: typeof entry.digest === 'string' && entry.digest ? entry.digest : undefined, session: sessionOf(session, uri), scan: scanOf(session, uri) });
    return;
  }
  const folder = checkFilePath(String(entry.name ?? ''));
  for (const row of await client.rowsOrNone(url)) {
    const parsed = parseFileUri(row.URI ?? '');
    if (!parsed) continue;
    out.push({
      url: sameServer(client, dataPath(row.URI ?? '')), localPath: checkFilePath(`${folder}/${parsed.path}`),
      size: row.Size ? Number(row.Size) : undefined, md5: row.digest || undefined, session: sessionOf(session, uri), scan: scanOf(session, uri),
    });
  }
}

/** Catalog URIs are `/archive/...` (XNAT) or absolute; both must stay on the logged-in server. */
function sameServer(client: XnatClient, uri: string): string {
  if (!/^https?:\/\//.test(uri)) return dataPath(uri);
  if (new URL(uri).origin !== new URL(client.base).origin) {
    throw new ClientError(`The catalog links to another server (${new URL(uri).origin}); refusing to send your ${client.base} login there`);
  }
  return uri;
}

/** Summary keys: the session (from the catalog, else from the URI) and `session/scan`. */
function scanOf(session: string | undefined, uri: string): string | undefined {
  const scan = /\/scans\/([^/]+)\//.exec(uri)?.[1];
  return scan === undefined ? undefined : `${sessionOf(session, uri) ?? ''}/${scan}`;
}

function sessionOf(session: string | undefined, uri: string): string | undefined {
  return session ?? /\/experiments\/([^/]+)/.exec(uri)?.[1];
}

function list(value: unknown): unknown[] {
  if (value === undefined || value === null || value === '') return [];
  return Array.isArray(value) ? value : [value];
}
