import { escapeXml, xmlAttrs } from '../lib/xml.js';
import type { Resource, ResourceFile } from '../domain/entities.js';

/**
 * The catalog XML XNAT writes beside each resource (xnat-api.md §9.2): one entry per file with its
 * relative URI, MD5 digest and size. The database is the source of truth; this file is rewritten
 * from it after every change so the archive stays readable without the database.
 */
export function catalogXml(resource: Resource, files: Iterable<ResourceFile>): string {
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<cat:Catalog${xmlAttrs({ ID: resource.label, format: resource.format, content: resource.content, description: resource.description })} xmlns:arc="http://nrg.wustl.edu/arc" xmlns:cat="http://nrg.wustl.edu/catalog" xmlns:xnat="http://nrg.wustl.edu/xnat" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">`,
    '  <cat:entries>',
  ];
  for (const file of files) {
    const name = file.path.slice(file.path.lastIndexOf('/') + 1);
    lines.push(
      `    <cat:entry${xmlAttrs({ ID: file.path, URI: file.path, name, digest: file.md5, format: file.format, content: file.content, createdBy: file.createdBy, createdTime: file.createdAt })} xsi:type="cat:entry">`,
      `      <cat:metaFields><cat:metaField name="size_in_bytes">${file.size}</cat:metaField></cat:metaFields>`,
    );
    const tags = file.tags.split(',').map((t) => t.trim()).filter(Boolean);
    if (tags.length > 0) lines.push(`      <cat:tags>${tags.map((t) => `<cat:tag>${escapeXml(t)}</cat:tag>`).join('')}</cat:tags>`);
    lines.push('    </cat:entry>');
  }
  lines.push('  </cat:entries>', '</cat:Catalog>', '');
  return lines.join('\n');
}
