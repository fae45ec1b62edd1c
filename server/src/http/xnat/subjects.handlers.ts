import { SUBJECT_FIELDS } from '../../domain/fields.js';
import type { InProject, ProjectLabel, Subject } from '../../domain/entities.js';
import { invalidInput } from '../../domain/errors.js';
import { inChunks, type Page } from '../../repositories/listing.js';
import type { ProjectShareRow } from '../../services/subject.service.js';
import { fieldChangesFromRequest, readXmlValues, typedParam } from './body.js';
import { chooseColumns, filtersFrom, pageFrom, sortRows } from './columns.js';
import { reasonOf, sendItem, sendTable, sendText, type XnatContext } from './context.js';
import type { ItemDoc } from './item-document.js';
import type { XnatRouter } from './router.js';
import { xnatTimestamp, type Row } from './result-set.js';

const DEFAULT_COLUMNS = ['ID', 'project', 'label', 'insert_date', 'insert_user', 'URI'];
// experiment_count is ours (the web UI's subjects table): sessions of the subject seen from the project.
const AVAILABLE = [...DEFAULT_COLUMNS, 'shared', 'owner_label', 'last_modified', 'experiment_count', ...SUBJECT_FIELDS.map((d) => d.key)];
const CORE_FILTERS = { ID: 'id', label: 'label', project: 'project_id' };

export function subjectDoc(subject: Subject, label: string, shares: readonly ProjectLabel[]): ItemDoc {
  return {
    xsiType: 'xnat:subjectData',
    element: 'xnat:Subject',
    attributes: { ID: subject.id, project: subject.projectId, label },
    fields: SUBJECT_FIELDS.filter((d) => subject.fields[d.key] !== undefined).map((def) => ({ def, value: subject.fields[def.key] as string })),
    children: [{
      field: 'sharing/share',
      items: shares.filter((s) => s.isShared).map((s) => ({ xsiType: 'xnat:projectParticipant', element: 'xnat:share', attributes: { label: s.label, project: s.projectId, subject_ID: subject.id }, fields: [], children: [] })),
    }].filter((c) => c.items.length > 0),
    insertDate: subject.createdAt,
  };
}

function subjectRow(row: InProject<Subject> | Subject, experimentCount?: number): Row {
  const subject = 'item' in row ? row.item : row;
  const label = 'item' in row ? row.label : row.label;
  const out: Row = {
    ID: subject.id, project: subject.projectId, label, insert_date: xnatTimestamp(subject.createdAt), insert_user: subject.createdBy,
    last_modified: xnatTimestamp(subject.updatedAt), shared: 'item' in row && row.isShared ? '1' : '0', owner_label: subject.label,
    experiment_count: experimentCount === undefined ? '' : String(experimentCount),
    URI: `/data/subjects/${subject.id}`,
  };
  for (const d of SUBJECT_FIELDS) out[d.key] = subject.fields[d.key] ?? '';
  return out;
}

export function sharesTable(rows: readonly ProjectShareRow[]) {
  return {
    columns: ['label', 'ID', 'Secondary_ID', 'Name'],
    rows: rows.map((r) => ({ label: r.label, ID: r.projectId, Secondary_ID: r.secondaryId, Name: r.name })),
    totalRecords: true,
  };
}

export function registerSubjectRoutes(router: XnatRouter, maxBodyBytes: number): void {
  router.on('subjects', {
    GET: async (ctx, t) => {
      const { page, paged } = pageFrom(ctx.params);
      const filters = filtersFrom(ctx.params, SUBJECT_FIELDS, CORE_FILTERS, []);
      const columns = chooseColumns(ctx.params, DEFAULT_COLUMNS, AVAILABLE, SUBJECT_FIELDS);
      const s = ctx.services.subjects;
      let rows: AsyncIterable<Row> | Row[];
      if (t.project !== undefined) {
        const project = t.project;
        // Check access once up front so a refusal is an error status, not a broken stream.
        await s.listInProject(ctx.actor, project, { limit: 0 });
        const withCounts = columns.includes('experiment_count');
        const fetch = async (pg: Page) => {
          const found = (await s.listInProject(ctx.actor, project, pg, filters)).rows;
          const counts = withCounts ? await s.experimentCounts(ctx.actor, project, found.map((r) => r.item.id)) : undefined;
          return found.map((r) => ({ row: subjectRow(r, counts ? counts.get(r.item.id) ?? 0 : undefined), key: r.label }));
        };
        rows = paged ? (await fetch(page)).map((r) => r.row) : mapAsync(inChunks(fetch, (r) => r.key), (r) => r.row);
      } else {
        rows = paged
          ? (await s.listAll(ctx.actor, page, filters)).map((r) => subjectRow(r))
          : mapAsync(inChunks((pg) => s.listAll(ctx.actor, pg, filters), (r) => r.id), (r) => subjectRow(r));
      }
      if (ctx.params.get('sortBy')) rows = sortRows(await collect(rows), ctx.params);
      await sendTable(ctx, { columns, rows, totalRecords: !paged });
    },
    POST: async (ctx, t) => {
      if (t.project === undefined) throw invalidInput('Create subjects in a project: /data/projects/{ID}/subjects');
      const xml = await readXmlValues(ctx.request, ctx.params, maxBodyBytes);
      const label = ctx.params.get('label') ?? xml?.values.label;
      if (!label) throw invalidInput('Specify the subject label (label parameter or the XML document\'s label attribute)');
      const grant = await ctx.services.access.requireProject(ctx.actor, t.project, 'see');
      const existing = await ctx.services.subjects.get(ctx.actor, { project: t.project, subject: label }).catch(() => undefined);
      if (existing) return sendText(ctx, 409, 'Subject already exists.');
      const subject = await ctx.services.subjects.create(ctx.actor, grant, label, { fields: fieldChangesFromRequest(SUBJECT_FIELDS, ctx.params, xml?.values), reason: reasonOf(ctx) });
      await sendText(ctx, 200, `${ctx.siteUrl}/data/subjects/${subject.id}`);
    },
  });

  router.on('subject', {
    GET: async (ctx, t) => {
      const located = await ctx.services.subjects.get(ctx.actor, t.ref);
      const shares = await ctx.services.subjects.projects(ctx.actor, t.ref);
      await sendItem(ctx, subjectDoc(located.item, located.label, shares));
    },
    PUT: async (ctx, t) => {
      if (t.ref.project === undefined) throw invalidInput('Create or change subjects through their project: /data/projects/{ID}/subjects/{label}');
      const xml = await readXmlValues(ctx.request, ctx.params, maxBodyBytes);
      const label = ctx.params.get('label') ?? typedParam(ctx.params, 'label') ?? xml?.values.label;
      const { subject, created } = await ctx.services.subjects.put(ctx.actor, { project: t.ref.project, subject: t.ref.subject }, {
        label, fields: fieldChangesFromRequest(SUBJECT_FIELDS, ctx.params, xml?.values), reason: reasonOf(ctx),
      });
      await sendText(ctx, created ? 201 : 200, subject.id);
    },
    DELETE: async (ctx, t) => {
      await ctx.services.subjects.delete(ctx.actor, t.ref, { removeFiles: ctx.params.bool('removeFiles') ?? false, reason: reasonOf(ctx) });
      await sendText(ctx, 200, '');
    },
  });
}

export async function* mapAsync<T, U>(source: AsyncIterable<T>, fn: (t: T) => U): AsyncGenerator<U> {
  for await (const item of source) yield fn(item);
}

export async function collect<T>(source: AsyncIterable<T> | Iterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of source) out.push(item);
  return out;
}

export type { XnatContext };
