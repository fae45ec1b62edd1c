import { SCAN_FIELDS, fieldsFor } from '../../domain/fields.js';
import type { Resource, Scan } from '../../domain/entities.js';
import { findXsiType, typeChain } from '../../domain/xsi-types.js';
import { isMultiScanSelector } from '../../domain/scan-selector.js';
import { fieldChangesFromRequest } from './body.js';
import { chooseColumns, sortRows } from './columns.js';
import { reasonOf, sendItem, sendTable, sendText, type XnatContext } from './context.js';
import type { ItemDoc } from './item-document.js';
import type { XnatRouter } from './router.js';
import { xnatTimestamp, type Row } from './result-set.js';

const DEFAULT_COLUMNS = ['xnat_imagescandata_id', 'ID', 'type', 'quality', 'xsiType', 'note', 'series_description', 'URI'];
const AVAILABLE = [...DEFAULT_COLUMNS, 'insert_date', 'last_modified', 'file_count', 'file_size', ...SCAN_FIELDS.map((d) => d.key)];

export function scanDoc(scan: Scan, sessionId: string, resources: readonly Resource[]): ItemDoc {
  const defs = fieldsFor(SCAN_FIELDS, typeChain(scan.xsiType));
  return {
    xsiType: scan.xsiType,
    element: findXsiType(scan.xsiType)?.element ?? scan.xsiType,
    attributes: { ID: scan.scanId, image_session_ID: sessionId, xnat_imagescandata_id: String(scan.pk) },
    fields: defs.filter((d) => scan.fields[d.key] !== undefined).map((def) => ({ def, value: scan.fields[def.key] as string })),
    children: resources.length ? [{
      field: 'file',
      items: resources.map((r) => ({
        xsiType: 'xnat:resourceCatalog', element: 'xnat:file',
        attributes: { label: r.label, xnat_abstractresource_id: String(r.id), format: r.format, content: r.content, file_count: String(r.fileCount), file_size: String(r.totalSize), URI: `/data/experiments/${sessionId}/scans/${encodeURIComponent(scan.scanId)}/resources/${r.id}` },
        fields: [], children: [],
      })),
    }] : [],
    insertDate: scan.createdAt,
  };
}

function scanRow(scan: Scan, sessionId: string, stats?: { count: number; size: number }): Row {
  const out: Row = {
    xnat_imagescandata_id: String(scan.pk), ID: scan.scanId, xsiType: scan.xsiType,
    insert_date: xnatTimestamp(scan.createdAt), last_modified: xnatTimestamp(scan.updatedAt),
    file_count: stats ? String(stats.count) : '', file_size: stats ? String(stats.size) : '',
    URI: `/data/experiments/${sessionId}/scans/${scan.scanId}`,
  };
  for (const d of SCAN_FIELDS) out[d.key] = scan.fields[d.key] ?? '';
  return out;
}

async function listScans(ctx: XnatContext, session: Parameters<XnatContext['services']['scans']['list']>[1], selector?: string): Promise<void> {
  const { session: located, scans } = selector ? await ctx.services.scans.select(ctx.actor, session, selector) : await ctx.services.scans.list(ctx.actor, session);
  const columns = chooseColumns(ctx.params, DEFAULT_COLUMNS, AVAILABLE, SCAN_FIELDS);
  let stats: Map<number, { count: number; size: number }> | undefined;
  if (columns.includes('file_count') || columns.includes('file_size')) {
    const { byScan } = await ctx.services.resources.listOfSession(ctx.actor, { experiment: located.item.id });
    stats = new Map(scans.map((scan) => {
      const resources = byScan.get(scan.pk) ?? [];
      return [scan.pk, { count: resources.reduce((n, r) => n + r.fileCount, 0), size: resources.reduce((n, r) => n + r.totalSize, 0) }];
    }));
  }
  const rows = scans.map((s) => scanRow(s, located.item.id, stats?.get(s.pk)));
  await sendTable(ctx, { columns, rows: sortRows(rows, ctx.params), totalRecords: true });
}

export function registerScanRoutes(router: XnatRouter): void {
  router.on('scans', { GET: (ctx, t) => listScans(ctx, t.session) });

  router.on('scan', {
    GET: async (ctx, t) => {
      if (isMultiScanSelector(t.scan)) return listScans(ctx, t.session, t.scan);
      // One segment may name a scan ID or a scan type; a type matching several scans lists them.
      const { session, scans } = await ctx.services.scans.select(ctx.actor, t.session, t.scan);
      const scan = scans.find((s) => s.scanId === t.scan) ?? (scans.length === 1 ? scans[0] : undefined);
      if (!scan) return listScans(ctx, t.session, t.scan);
      const { resources } = await ctx.services.resources.list(ctx.actor, { kind: 'scan', session: { experiment: session.item.id }, scan: scan.scanId });
      await sendItem(ctx, scanDoc(scan, session.item.id, resources));
    },
    PUT: async (ctx, t) => {
      await ctx.services.scans.put(ctx.actor, t.session, t.scan, {
        xsiType: ctx.params.first('xsiType', 'ELEMENT_0'),
        fields: fieldChangesFromRequest(SCAN_FIELDS, ctx.params),
        reason: reasonOf(ctx),
      });
      await sendText(ctx, 200, '');
    },
    DELETE: async (ctx, t) => {
      await ctx.services.scans.delete(ctx.actor, t.session, t.scan, { removeFiles: ctx.params.bool('removeFiles') ?? true, reason: reasonOf(ctx) });
      await sendText(ctx, 200, '');
    },
  });
}
