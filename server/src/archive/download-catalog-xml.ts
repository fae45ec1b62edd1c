import type { DownloadCatalog } from '../domain/download-catalog.js';
import { escapeXml, xmlAttrs } from '../lib/xml.js';

const NAMESPACES = 'xmlns:cat="http://nrg.wustl.edu/catalog" xmlns:xnat="http://nrg.wustl.edu/xnat" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';

/**
 * A multi-session download catalog as XNAT's XAPI returns it (xnat-api.md §9.3): one entry set per
 * session, inside it one per kind (RAW scans, RESOURCES, ASSESSORS), whose entries are resource folders
 * (`URI` ending in `/files`, `name` = target folder). The Desktop Client reads exactly this nesting.
 */
export function sessionCatalogXml(catalog: DownloadCatalog): string {
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', `<cat:Catalog${xmlAttrs({ ID: catalog.id, description: catalog.description })} ${NAMESPACES}>`];
  if (catalog.sessions.length > 0) {
    lines.push('  <cat:sets>');
    for (const session of catalog.sessions) {
      lines.push(`    <cat:entrySet${xmlAttrs({ ID: session.experimentId, description: session.description })}>`, '      <cat:sets>');
      for (const set of session.sets) {
        lines.push(`        <cat:entrySet${xmlAttrs({ ID: set.id, description: set.description })}>`, '          <cat:entries>');
        for (const e of set.entries) lines.push(`            <cat:entry${xmlAttrs({ URI: e.uri, name: e.name })}/>`);
        lines.push('          </cat:entries>', '        </cat:entrySet>');
      }
      lines.push('      </cat:sets>', '    </cat:entrySet>');
    }
    lines.push('  </cat:sets>');
  }
  lines.push('</cat:Catalog>', '');
  return lines.join('\n');
}

/** One direct file link of a file catalog. */
export interface FileLink {
  /** Absolute URL of the file. */
  readonly uri: string;
  /** Where the file goes when downloaded (the zip path). */
  readonly cachePath: string;
  readonly size: number;
  readonly md5: string;
}

export interface FileLinkGroup {
  /** Sub-catalog ID and description (a session); omitted for a flat catalog. */
  readonly id?: string;
  readonly description?: string;
  readonly files: readonly FileLink[];
}

/**
 * XNAT's "xcat" (FileList with format=xcat): direct links to each file with its relative path and size,
 * plus its MD5 as `digest` so any client can verify what it fetched. Several groups become sub-catalogs.
 */
export function fileCatalogXml(header: { id?: string; description?: string }, groups: readonly FileLinkGroup[]): string {
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', `<cat:Catalog${xmlAttrs({ ID: header.id, description: header.description })} ${NAMESPACES}>`];
  const entries = (files: readonly FileLink[], indent: string) => {
    lines.push(`${indent}<cat:entries>`);
    for (const f of files) {
      const name = f.cachePath.slice(f.cachePath.lastIndexOf('/') + 1);
      lines.push(
        `${indent}  <cat:entry${xmlAttrs({ URI: f.uri, cachePath: f.cachePath, name, digest: f.md5 })}>`,
        `${indent}    <cat:metaFields><cat:metaField name="RELATIVE_PATH">${escapeXml(f.cachePath)}</cat:metaField><cat:metaField name="SIZE">${f.size}</cat:metaField></cat:metaFields>`,
        `${indent}  </cat:entry>`,
      );
    }
    lines.push(`${indent}</cat:entries>`);
  };
  const flat = groups.length === 1 && groups[0]?.id === undefined;
  if (flat) entries(groups[0]?.files ?? [], '  ');
  else {
    lines.push('  <cat:sets>');
    for (const g of groups) {
      lines.push(`    <cat:entrySet${xmlAttrs({ ID: g.id, description: g.description })}>`);
      entries(g.files, '      ');
      lines.push('    </cat:entrySet>');
    }
    lines.push('  </cat:sets>');
  }
  lines.push('</cat:Catalog>', '');
  return lines.join('\n');
}
