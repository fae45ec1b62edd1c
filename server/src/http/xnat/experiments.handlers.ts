import { EXPERIMENT_FIELDS, fieldsFor, type FieldDef } from '../../domain/fields.js';
import type { Experiment, ProjectLabel, Resource, Scan } from '../../domain/entities.js';
import { invalidInput } from '../../domain/errors.js';
import { findXsiType, typeChain, XSI_TYPES } from '../../domain/xsi-types.js';
import { inChunks } from '../../repositories/listing.js';
import type { ExperimentListRow } from '../../repositories/experiment.repository.js';
import { fieldChangesFromRequest, readXmlValues, typedParam } from './body.js';
import { chooseColumns, filtersFrom, pageFrom, sortRows } from './columns.js';
import { reasonOf, sendItem, sendTable, sendText, type XnatContext } from './context.js';
import type { ItemDoc } from './item-document.js';
import type { XnatRouter } from './router.js';
import { scanDoc } from './scans.handlers.js';
import { collect, mapAsync, sharesTable } from './subjects.handlers.js';
import { xnatTimestamp, type Row } from './result-set.js';

const DEFAULT_COLUMNS = ['ID', 'project', 'date', 'xsiType', 'label', 'insert_date', 'URI'];
const ASSESSOR_COLUMNS = ['ID', 'project', 'label', 'date', 'xsiType', 'insert_date', 'session_ID', 'session_label', 'URI'];
const AVAILABLE = [...new Set([...DEFAULT_COLUMNS, ...ASSESSOR_COLUMNS, 'subject_ID', 'subject_label', 'subject_project', 'insert_user', 'last_modified', 'shared', 'owner_label', 'owner_project', ...EXPERIMENT_FIELDS.map((d) => d.key)])];
const CORE_FILTERS = { ID: 'id', label: 'label', subject_ID: 'subject_id', 'xnat:subjectAssessorData/subject_id': 'subject_id' };

/** `xsiType=` on listings: a concrete type, or an abstract one standing for all its subtypes. */
export function xsiTypeFilter(xsiType: string | undefined): string[] | undefined {
  if (!xsiType) return undefined;
  const lower = xsiType.toLowerCase();
  if (lower === 'xnat:experimentdata' || lower === 'xnat:subjectassessordata') return undefined;
  const matching = XSI_TYPES.filter((t) => t.kind !== 'scan' && typeChain(t.xsiType).some((c) => c.toLowerCase() === lower)).map((t) => t.xsiType);
  return matching.length > 0 ? matching : [findXsiType(xsiType)?.xsiType ?? xsiType];
}

function experimentRow(row: ExperimentListRow, inProject: boolean): Row {
  const e = row.item;
  const out: Row = {
    ID: e.id, project: inProject ? row.projectId : e.projectId, label: row.label, date: e.fields.date ?? '', xsiType: e.xsiType,
    insert_date: xnatTimestamp(e.createdAt), insert_user: e.createdBy, last_modified: xnatTimestamp(e.updatedAt),
    subject_ID: e.subjectId, subject_label: row.subjectLabel, subject_project: e.projectId, session_ID: e.imageSessionId ?? '',
    session_label: '', shared: row.isShared ? '1' : '0', owner_label: e.label, owner_project: e.projectId,
    URI: `/data/experiments/${e.id}`,
  };
  for (const d of EXPERIMENT_FIELDS) out[d.key] = e.fields[d.key] ?? '';
  return out;
}

const SUBJECT_ID_FIELD: FieldDef = { key: 'subject_ID', column: 'subject_id', xpath: 'subject_ID', type: 'string', declaredOn: 'xnat:subjectAssessorData' };
const IMAGE_SESSION_ID_FIELD: FieldDef = { key: 'imageSession_ID', column: 'image_session_id', xpath: 'imageSession_ID', type: 'string', declaredOn: 'xnat:imageAssessorData' };

export function experimentDoc(e: Experiment, label: string, shares: readonly ProjectLabel[], scans: readonly { scan: Scan; resources: readonly Resource[] }[], resources: readonly Resource[]): ItemDoc {
  const type = findXsiType(e.xsiType);
  const defs = fieldsFor(EXPERIMENT_FIELDS, typeChain(e.xsiType));
  return {
    xsiType: e.xsiType,
    element: type?.element ?? e.xsiType,
    attributes: { ID: e.id, project: e.projectId, label },
    fields: [
      ...defs.filter((d) => e.fields[d.key] !== undefined).map((def) => ({ def, value: e.fields[def.key] as string })),
      { def: SUBJECT_ID_FIELD, value: e.subjectId },
      // xnatpy addresses assessors through `imageSession_ID` (XNAT's element name), as the schema declares it.
      ...(e.imageSessionId ? [{ def: IMAGE_SESSION_ID_FIELD, value: e.imageSessionId }] : []),
    ],
    children: [
      { field: 'sharing/share', items: shares.filter((s) => s.isShared).map((s) => ({ xsiType: 'xnat:experimentData_share', element: 'xnat:share', attributes: { label: s.label, project: s.projectId }, fields: [], children: [] })) },
      { field: 'scans/scan', items: scans.map((s) => scanDoc(s.scan, e.id, s.resources)) },
      { field: 'resources/resource', items: resources.map(resourceDoc) },
    ].filter((c) => c.items.length > 0),
    insertDate: e.createdAt,
  };
}

export function resourceDoc(r: Resource): ItemDoc {
  return {
    xsiType: 'xnat:resourceCatalog', element: 'xnat:resource',
    attributes: { label: r.label, xnat_abstractresource_id: String(r.id), format: r.format, content: r.content, file_count: String(r.fileCount), file_size: String(r.totalSize) },
    fields: [], children: [],
  };
}

/** The experiment document with its scans and resources, as XNAT returns it for `format=json|xml`. */
async function fullExperimentDoc(ctx: XnatContext, located: { item: Experiment; label: string }, ref: Parameters<XnatContext['services']['experiments']['get']>[1]): Promise<ItemDoc> {
  const s = ctx.services;
  const shares = await s.experiments.projects(ctx.actor, ref);
  const isSession = findXsiType(located.item.xsiType)?.kind === 'imageSession';
  const scans = isSession ? (await s.scans.list(ctx.actor, ref)).scans : [];
  const { own, byScan } = await s.resources.listOfSession(ctx.actor, ref);
  const scanResources = scans.map((scan) => ({ scan, resources: byScan.get(scan.pk) ?? [] }));
  return experimentDoc(located.item, located.label, shares, scanResources, own);
}

export function registerExperimentRoutes(router: XnatRouter, maxBodyBytes: number): void {
  router.on('experiments', {
    GET: async (ctx, t) => {
      const { page, paged } = pageFrom(ctx.params);
      const filter = {
        xsiTypes: xsiTypeFilter(ctx.params.get('xsiType')),
        columns: filtersFrom(ctx.params, EXPERIMENT_FIELDS, CORE_FILTERS, ['project', 'recent']),
      };
      const columns = chooseColumns(ctx.params, t.project === undefined ? [...DEFAULT_COLUMNS.slice(0, -1), 'subject_ID', 'subject_label', 'URI'] : DEFAULT_COLUMNS, AVAILABLE, EXPERIMENT_FIELDS);
      const s = ctx.services.experiments;
      let rows: AsyncIterable<Row> | Row[];
      if (t.project !== undefined) {
        const project = t.project;
        const listFilter = { ...filter, excludeAssessors: true };
        await s.listInProject(ctx.actor, project, t.subject, listFilter, { limit: 0 });
        rows = paged
          ? (await s.listInProject(ctx.actor, project, t.subject, listFilter, page)).rows.map((r) => experimentRow(r, true))
          : mapAsync(inChunks((pg) => s.listInProject(ctx.actor, project, t.subject, listFilter, pg).then((r) => r.rows), (r) => r.label), (r) => experimentRow(r, true));
      } else {
        const projectParam = ctx.params.get('project');
        const all = projectParam
          ? (pg: typeof page) => s.listInProject(ctx.actor, projectParam, undefined, filter, pg).then((r) => r.rows)
          : (pg: typeof page) => s.listAll(ctx.actor, filter, pg);
        if (projectParam) await all({ limit: 0 });
        rows = paged ? (await all(page)).map((r) => experimentRow(r, false)) : mapAsync(inChunks(all, (r) => (projectParam ? r.label : r.item.id)), (r) => experimentRow(r, false));
      }
      if (ctx.params.get('sortBy')) rows = sortRows(await collect(rows), ctx.params);
      await sendTable(ctx, { columns, rows, totalRecords: !paged });
    },
  });

  router.on('experiment', {
    GET: async (ctx, t) => {
      const located = await ctx.services.experiments.get(ctx.actor, t.ref);
      await sendItem(ctx, await fullExperimentDoc(ctx, located, t.ref));
    },
    PUT: async (ctx, t) => {
      if (t.ref.project === undefined) {
        // /data/experiments/{ID}: changes go through the owner project.
        const located = await ctx.services.experiments.get(ctx.actor, t.ref);
        return putExperiment(ctx, { project: located.item.projectId, experiment: located.item.id }, maxBodyBytes);
      }
      await putExperiment(ctx, { project: t.ref.project, subject: t.ref.subject, experiment: t.ref.experiment }, maxBodyBytes);
    },
    DELETE: async (ctx, t) => {
      await ctx.services.experiments.delete(ctx.actor, t.ref, { removeFiles: ctx.params.bool('removeFiles') ?? false, reason: reasonOf(ctx) });
      await sendText(ctx, 200, '');
    },
  });

  router.on('assessors', {
    GET: async (ctx, t) => {
      const { page, paged } = pageFrom(ctx.params, 100_000);
      const { session, rows } = await ctx.services.experiments.listAssessors(ctx.actor, t.session, page);
      const out = rows.map((r) => ({ ...experimentRow(r, true), session_label: session.label }));
      await sendTable(ctx, { columns: chooseColumns(ctx.params, ASSESSOR_COLUMNS, AVAILABLE, EXPERIMENT_FIELDS), rows: sortRows(out, ctx.params), totalRecords: !paged });
    },
  });

  router.on('assessor', {
    GET: async (ctx, t) => {
      const located = await ctx.services.experiments.getAssessor(ctx.actor, t.session, t.assessor);
      const ref = { project: located.grant.project.id, experiment: located.item.id };
      await sendItem(ctx, await fullExperimentDoc(ctx, located, ref));
    },
    PUT: async (ctx, t) => {
      const xml = await readXmlValues(ctx.request, ctx.params, maxBodyBytes);
      const { experiment, created } = await ctx.services.experiments.putAssessor(ctx.actor, t.session, t.assessor, experimentInput(ctx, xml));
      await sendText(ctx, created ? 201 : 200, experiment.id);
    },
    DELETE: async (ctx, t) => {
      await ctx.services.experiments.deleteAssessor(ctx.actor, t.session, t.assessor, { removeFiles: ctx.params.bool('removeFiles') ?? false, reason: reasonOf(ctx) });
      await sendText(ctx, 200, '');
    },
  });

  router.on('shares', {
    GET: async (ctx, t) => {
      if (t.dest !== undefined) throw invalidInput('List sharing with .../projects (without a project after it)');
      const s = ctx.services;
      switch (t.item.kind) {
        case 'subject': return sendTable(ctx, sharesTable(await s.subjects.projects(ctx.actor, t.item.ref)));
        case 'experiment': return sendTable(ctx, sharesTable(await s.experiments.projects(ctx.actor, t.item.ref)));
        case 'assessor': {
          const a = await s.experiments.getAssessor(ctx.actor, t.item.session, t.item.assessor);
          return sendTable(ctx, sharesTable(await s.experiments.projects(ctx.actor, { experiment: a.item.id })));
        }
        case 'scan': return sendTable(ctx, sharesTable(await s.experiments.projects(ctx.actor, t.item.session)));
      }
    },
  });
}

function experimentInput(ctx: XnatContext, xml?: { root: string; values: Record<string, string> }) {
  const xsiType = ctx.params.first('xsiType', 'ELEMENT_0') ?? (xml ? findXsiType(xml.root.includes(':') ? xml.root : `xnat:${xml.root}`)?.xsiType ?? findXsiType(`xnat:${xml.root}`)?.xsiType : undefined);
  return {
    label: ctx.params.get('label') ?? typedParam(ctx.params, 'label') ?? xml?.values.label,
    xsiType,
    subject: ctx.params.first('subject_ID', 'xnat:subjectAssessorData/subject_ID') ?? xml?.values.subject_ID,
    fields: fieldChangesFromRequest(EXPERIMENT_FIELDS, ctx.params, xml?.values),
    reason: reasonOf(ctx),
  };
}

async function putExperiment(ctx: XnatContext, ref: { project: string; subject?: string; experiment: string }, maxBodyBytes: number): Promise<void> {
  const xml = await readXmlValues(ctx.request, ctx.params, maxBodyBytes);
  const input = experimentInput(ctx, xml);
  const { experiment, created } = await ctx.services.experiments.put(ctx.actor, ref, input);
  await sendText(ctx, created ? 201 : 200, experiment.id);
}
