import type { Readable } from 'node:stream';
import type { Resource } from '../../domain/entities.js';
import { AppError, invalidInput, notImplemented } from '../../domain/errors.js';
import { isMultiScanSelector } from '../../domain/scan-selector.js';
import type { FileStore } from '../../archive/file-store.js';
import type { OwnerRef, ResolvedOwner } from '../../services/resource-owner.js';
import type { FileInResource, UploadOptions } from '../../services/resource.service.js';
import { sendArchiveFile } from '../send-file.js';
import { chooseColumns, sortRows } from './columns.js';
import { reasonOf, requestedFormat, sendTable, sendText, type XnatContext } from './context.js';
import type { XnatRouter } from './router.js';
import type { Row } from './result-set.js';

const RESOURCE_COLUMNS = ['xnat_abstractresource_id', 'label', 'element_name', 'category', 'cat_id', 'cat_desc', 'file_count', 'file_size', 'tags', 'content', 'format'];
const FILE_COLUMNS = ['Name', 'Size', 'URI', 'collection', 'file_tags', 'file_format', 'file_content', 'cat_ID', 'digest'];

/** Handlers other areas plug in for zip and catalog downloads of file listings. */
export interface FileDownloadFormats {
  /** `format=zip` (and tar, tar.gz) of the listed files. */
  zip?: (ctx: XnatContext, files: readonly FileInResource[], owners: readonly ResolvedOwner[], format: string) => Promise<void>;
  /** `format=xcat`: a catalog of file links. */
  xcat?: (ctx: XnatContext, files: readonly FileInResource[], owners: readonly ResolvedOwner[]) => Promise<void>;
}

/** The `/data` path of a resource owner, built from IDs so it works from any project. */
export function ownerPath(owner: ResolvedOwner): string {
  const o = owner.owner;
  switch (o.kind) {
    case 'project': return `/projects/${o.projectId}`;
    case 'subject': return `/subjects/${o.subjectId}`;
    case 'experiment': return `/experiments/${o.experimentId}`;
    case 'scan': return `/experiments/${o.experimentId}/scans/${encodeURIComponent(owner.ids.scan?.scanId ?? '')}`;
  }
}

export function fileUri(owner: ResolvedOwner, resource: Resource, path: string): string {
  return `/data${ownerPath(owner)}/resources/${resource.id}/files/${path.split('/').map(encodeURIComponent).join('/')}`;
}

/** A scan selector (ALL, types, comma lists) stands for several owners. */
async function expandOwners(ctx: XnatContext, owner: OwnerRef, withScansOfSession: boolean): Promise<OwnerRef[]> {
  if (owner.kind === 'scan' && isMultiScanSelector(owner.scan)) {
    const { session, scans } = await ctx.services.scans.select(ctx.actor, owner.session, owner.scan);
    return scans.map((s) => ({ kind: 'scan', session: { ...owner.session, experiment: session.item.id, subject: undefined }, scan: s.scanId }));
  }
  if (owner.kind === 'scan') {
    // The scan segment may also be a type (`.../scans/T1w/files`).
    const { session, scans } = await ctx.services.scans.select(ctx.actor, owner.session, owner.scan);
    return scans.map((s) => ({ kind: 'scan', session: { ...owner.session, experiment: session.item.id, subject: undefined }, scan: s.scanId }));
  }
  if (owner.kind === 'experiment' && withScansOfSession) {
    const located = await ctx.services.experiments.get(ctx.actor, owner.ref);
    const { scans } = await ctx.services.scans.list(ctx.actor, owner.ref);
    const session = { ...owner.ref, experiment: located.item.id, subject: undefined };
    return [owner, ...scans.map((s) => ({ kind: 'scan' as const, session, scan: s.scanId }))];
  }
  return [owner];
}

function resourceRow(owner: ResolvedOwner, r: Resource): Row {
  const scan = owner.ids.scan;
  const category = owner.owner.kind === 'scan' ? 'scans' : owner.what.startsWith('Assessor') ? 'assessors' : 'resources';
  return {
    xnat_abstractresource_id: String(r.id), label: r.label, element_name: 'xnat:resourceCatalog', category,
    cat_id: scan?.scanId ?? '', cat_desc: scan?.fields.type ?? '', file_count: String(r.fileCount), file_size: String(r.totalSize),
    tags: r.tags, content: r.content, format: r.format, description: r.description, URI: `/data${ownerPath(owner)}/resources/${r.id}`,
  };
}

function fileRow(owner: ResolvedOwner, { resource, file }: FileInResource): Row {
  return {
    Name: file.path.slice(file.path.lastIndexOf('/') + 1), Size: String(file.size), URI: fileUri(owner, resource, file.path),
    collection: resource.label, file_tags: file.tags, file_format: file.format, file_content: file.content, cat_ID: String(resource.id),
    digest: file.md5, path: file.path,
  };
}

/** pyxnat sends `U` for an unspecified format/content/tags. */
const attr = (v: string | undefined) => (v === undefined || v === 'U' ? undefined : v);

export function registerResourceRoutes(router: XnatRouter, store: FileStore, formats: FileDownloadFormats): void {
  router.on('resources', {
    GET: async (ctx, t) => {
      const rows: Row[] = [];
      for (const owner of await expandOwners(ctx, t.owner, false)) {
        const listed = await ctx.services.resources.list(ctx.actor, owner);
        rows.push(...listed.resources.map((r) => resourceRow(listed.owner, r)));
      }
      const columns = chooseColumns(ctx.params, RESOURCE_COLUMNS, [...RESOURCE_COLUMNS, 'description', 'URI']);
      await sendTable(ctx, { columns, rows: sortRows(rows, ctx.params), title: 'Resources', totalRecords: true });
    },
  });

  router.on('resource', {
    GET: async (ctx, t) => {
      const { resource } = await ctx.services.resources.get(ctx.actor, t.owner, t.resource);
      const catalog = await ctx.services.resources.catalog(resource);
      await sendText(ctx, 200, catalog, 'text/xml; charset=utf-8');
    },
    PUT: (ctx, t) => createResource(ctx, t.owner, t.resource),
    POST: (ctx, t) => createResource(ctx, t.owner, t.resource),
    DELETE: async (ctx, t) => {
      await ctx.services.resources.delete(ctx.actor, t.owner, t.resource, { removeFiles: ctx.params.bool('removeFiles') ?? true, reason: reasonOf(ctx) });
      await sendText(ctx, 200, '');
    },
  });

  router.on('files', {
    GET: async (ctx, t) => {
      if (t.path !== undefined && !t.path.endsWith('/') && t.resource !== undefined && !t.resource.includes(',')) {
        const owners = await expandOwners(ctx, t.owner, false);
        if (owners.length === 1) {
          const found = await ctx.services.resources.openFile(ctx.actor, owners[0] as OwnerRef, t.resource, t.path).catch((e: unknown) => {
            if (e instanceof AppError && e.code === 'not_found') return undefined;
            throw e;
          });
          if (found) {
            if (requestedFormat(ctx) === 'zip') return zipOrRefuse(ctx, [found], [await ownerOf(ctx, owners[0] as OwnerRef)], 'zip');
            return sendArchiveFile(ctx.request, ctx.reply, store, { relativePath: found.relativePath, name: t.path.slice(t.path.lastIndexOf('/') + 1), size: found.file.size, md5: found.file.md5, storedAt: found.file.createdAt });
          }
        }
      }
      await listFiles(ctx, t.owner, t.resource, t.path);
    },
    PUT: (ctx, t) => upload(ctx, t.owner, t.resource, t.path),
    POST: (ctx, t) => upload(ctx, t.owner, t.resource, t.path),
    DELETE: async (ctx, t) => {
      if (!t.resource) throw invalidInput('Delete files through their resource: .../resources/{R}/files/{path}');
      if (!t.path) throw invalidInput('Name the file to delete: .../resources/{R}/files/{path} (delete the resource to remove all its files)');
      const owners = await expandOwners(ctx, t.owner, false);
      if (owners.length !== 1) throw invalidInput('Delete files of one scan at a time');
      await ctx.services.resources.deleteFiles(ctx.actor, owners[0] as OwnerRef, t.resource, t.path, { removeFiles: ctx.params.bool('removeFiles') ?? true, reason: reasonOf(ctx) });
      await sendText(ctx, 200, '');
    },
  });

  async function ownerOf(ctx: XnatContext, owner: OwnerRef): Promise<ResolvedOwner> {
    return (await ctx.services.resources.list(ctx.actor, owner)).owner;
  }

  async function zipOrRefuse(ctx: XnatContext, files: FileInResource[], owners: ResolvedOwner[], format: string): Promise<void> {
    if (!formats.zip) throw notImplemented('Zip downloads are not available on this server yet');
    await formats.zip(ctx, files, owners, format);
  }

  async function listFiles(ctx: XnatContext, owner: OwnerRef, resource: string | undefined, path: string | undefined): Promise<void> {
    const entries: { owner: ResolvedOwner; file: FileInResource }[] = [];
    for (const o of await expandOwners(ctx, owner, resource === undefined)) {
      const listed = await ctx.services.resources.listFiles(ctx.actor, o, resource, path?.replace(/\/$/, ''))
        .catch((e: unknown) => {
          // A resource label given for ALL scans need not exist on every scan.
          if (resource !== undefined && owner.kind === 'scan' && e instanceof AppError && e.code === 'not_found' && isMultiScanSelector(owner.scan)) return undefined;
          throw e;
        });
      if (listed) entries.push(...listed.files.map((file) => ({ owner: listed.owner, file })));
    }
    const formatFilters = ctx.params.all('file_format');
    const contentFilters = ctx.params.all('file_content');
    const matches = (value: string, wanted: string[]) => wanted.length === 0 || wanted.some((w) => (w === 'NULL' ? value === '' : w === value));
    const selected = entries.filter((e) => matches(e.file.file.format, formatFilters) && matches(e.file.file.content, contentFilters));
    const format = requestedFormat(ctx);
    if (format === 'zip' || format === 'tar' || format === 'tar.gz' || format === 'tgz') {
      if (selected.length === 0) throw new AppError('not_found', 'No files to download');
      return zipOrRefuse(ctx, selected.map((s) => s.file), [...new Set(selected.map((s) => s.owner))], format);
    }
    if (format === 'xcat') {
      if (!formats.xcat) throw notImplemented('Catalog (xcat) downloads are not available on this server yet');
      return formats.xcat(ctx, selected.map((s) => s.file), [...new Set(selected.map((s) => s.owner))]);
    }
    if (path !== undefined && selected.length === 0) throw new AppError('not_found', `No file ${path}`);
    const rows = selected.map((e) => fileRow(e.owner, e.file));
    const columns = chooseColumns(ctx.params, FILE_COLUMNS, [...FILE_COLUMNS, 'path']);
    await sendTable(ctx, { columns, rows: sortRows(rows, ctx.params), title: 'Files', uriServerRoot: '' });
  }
}

async function createResource(ctx: XnatContext, owner: OwnerRef, label: string): Promise<void> {
  await ctx.services.resources.create(ctx.actor, owner, label, {
    format: attr(ctx.params.get('format')), content: attr(ctx.params.get('content')), description: ctx.params.get('description'), tags: attr(ctx.params.get('tags')), reason: reasonOf(ctx),
  });
  await sendText(ctx, 200, '');
}

/** Raw-body or multipart uploads (xnat-api.md §3.8); `extract=true` unpacks archives into the resource. */
async function upload(ctx: XnatContext, owner: OwnerRef, resource: string | undefined, path: string | undefined): Promise<void> {
  if (!resource) throw invalidInput('Upload files into a resource: .../resources/{R}/files/{name}');
  if (owner.kind === 'scan' && isMultiScanSelector(owner.scan)) throw invalidInput('Upload files into one scan at a time');
  const options: UploadOptions = {
    overwrite: ctx.params.bool('overwrite') ?? false,
    extract: ctx.params.bool('extract') ?? false,
    format: attr(ctx.params.get('format')), content: attr(ctx.params.get('content')), tags: attr(ctx.params.get('tags')),
    reason: reasonOf(ctx),
  };
  const type = ctx.request.headers['content-type'] ?? '';
  if (/^multipart\/form-data/i.test(type)) {
    if (ctx.params.bool('inbody')) throw new AppError('invalid_input', 'A multipart body cannot be combined with inbody=true');
    let stored = 0;
    for await (const part of ctx.request.parts()) {
      if (part.type !== 'file') continue;
      const name = path && !path.endsWith('/') && stored === 0 ? path : `${path ? path.replace(/\/?$/, '/') : ''}${part.filename}`;
      await ctx.services.resources.upload(ctx.actor, owner, resource, name, part.file as Readable, options);
      stored++;
    }
    if (stored === 0) throw invalidInput('The multipart body holds no file');
    return sendText(ctx, 200, '');
  }
  const length = ctx.request.headers['content-length'];
  const chunked = /chunked/i.test(String(ctx.request.headers['transfer-encoding'] ?? ''));
  if ((length === undefined || length === '0') && !chunked) {
    throw invalidInput('No file in the request: send the file as the body (with inbody=true or Content-Type: application/octet-stream) or as multipart/form-data');
  }
  await ctx.services.resources.upload(ctx.actor, owner, resource, path, ctx.request.raw, options);
  await sendText(ctx, 200, '');
}
