import { PROJECT_FIELDS } from '../../domain/fields.js';
import { ACCESSIBILITY_LEVELS, type Accessibility, type Project } from '../../domain/entities.js';
import { invalidInput, notImplemented } from '../../domain/errors.js';
import type { Right } from '../../domain/access.js';
import type { ProjectListItem } from '../../services/project.service.js';
import { fieldChangesFromRequest, readXmlValues } from './body.js';
import { chooseColumns, pageFrom, sortRows } from './columns.js';
import { reasonOf, sendItem, sendTable, sendText, type XnatContext } from './context.js';
import type { ItemDoc } from './item-document.js';
import type { XnatRouter } from './router.js';
import { xnatTimestamp, type Row } from './result-set.js';

const DEFAULT_COLUMNS = ['ID', 'secondary_ID', 'name', 'description', 'pi_firstname', 'pi_lastname', 'URI'];
const EXTRA_COLUMNS = ['keywords', 'note', 'alias', 'accessibility', 'user_role', 'prearchive_code', 'allow_subject_creation', 'insert_date', 'insert_user', 'subject_count', 'experiment_count'];

export function projectDoc(project: Project): ItemDoc {
  return {
    xsiType: 'xnat:projectData',
    element: 'xnat:Project',
    attributes: { ID: project.id, ...(project.fields.secondary_ID && { secondary_ID: project.fields.secondary_ID }) },
    fields: PROJECT_FIELDS.filter((d) => d.key !== 'secondary_ID' && project.fields[d.key] !== undefined).map((def) => ({ def, value: project.fields[def.key] as string })),
    children: project.aliases.length ? [{ field: 'aliases/alias', items: project.aliases.map((a) => ({ xsiType: 'xnat:projectData_alias', element: 'xnat:alias', attributes: { alias: a }, fields: [], children: [] })) }] : [],
    insertDate: project.createdAt,
  };
}

export function registerProjectRoutes(router: XnatRouter, maxBodyBytes: number): void {
  router.on('projects', {
    GET: listProjects,
    POST: async (ctx) => {
      const xml = await readXmlValues(ctx.request, ctx.params, maxBodyBytes);
      const id = ctx.params.get('ID') ?? xml?.values.ID;
      if (!id) throw invalidInput('Specify the new project ID (ID parameter or the XML document\'s ID attribute)');
      await ctx.services.projects.create(ctx.actor, id, projectInput(ctx, xml?.values));
      const url = `${ctx.siteUrl}/data/projects/${id}`;
      ctx.reply.header('Location', url);
      await sendText(ctx, 200, url);
    },
  });

  router.on('project', {
    GET: async (ctx, t) => sendItem(ctx, projectDoc((await ctx.services.projects.get(ctx.actor, t.project)).project)),
    PUT: async (ctx, t) => {
      const xml = await readXmlValues(ctx.request, ctx.params, maxBodyBytes);
      if (xml?.values.ID && xml.values.ID !== t.project) throw invalidInput(`The document's ID '${xml.values.ID}' does not match the URL's project ${t.project}`);
      await ctx.services.projects.put(ctx.actor, t.project, projectInput(ctx, xml?.values));
      await sendText(ctx, 200, '');
    },
    POST: async (ctx, t) => {
      await ctx.services.projects.update(ctx.actor, t.project, projectInput(ctx, (await readXmlValues(ctx.request, ctx.params, maxBodyBytes))?.values));
      await sendText(ctx, 200, '');
    },
    DELETE: async (ctx, t) => {
      await ctx.services.projects.delete(ctx.actor, t.project, { removeFiles: ctx.params.bool('removeFiles') ?? false, reason: reasonOf(ctx) });
      await sendText(ctx, 200, '');
    },
  });

  router.on('projectSetting', {
    GET: async (ctx, t) => {
      const { project } = await ctx.services.projects.get(ctx.actor, t.project, 'see');
      const values: Record<typeof t.setting, string> = {
        prearchive_code: String(project.prearchiveCode), quarantine_code: String(project.quarantineCode), current_arc: 'arc001', accessibility: project.accessibility,
        allow_subject_creation: String(project.allowSubjectCreation),
      };
      await sendText(ctx, 200, values[t.setting]);
    },
    PUT: async (ctx, t) => {
      const value = t.value ?? ctx.params.get('value');
      if (value === undefined) throw invalidInput(`Put the new value in the URL: /projects/${t.project}/${t.setting}/{value}`);
      const s = ctx.services.projects;
      switch (t.setting) {
        case 'prearchive_code': return sendText(ctx, 200, String(await s.setPrearchiveCode(ctx.actor, t.project, value)));
        case 'quarantine_code': return sendText(ctx, 200, String(await s.setQuarantineCode(ctx.actor, t.project, value)));
        case 'accessibility': return sendText(ctx, 200, await s.setAccessibility(ctx.actor, t.project, value));
        case 'current_arc': throw notImplemented('The archive folder (current_arc) is fixed at arc001 on this server');
        case 'allow_subject_creation': {
          const allow = value.toLowerCase() === 'true' ? true : value.toLowerCase() === 'false' ? false : undefined;
          if (allow === undefined) throw invalidInput(`Invalid allow_subject_creation '${value}': use true or false`);
          await s.setAllowSubjectCreation(ctx.actor, t.project, allow);
          return sendText(ctx, 200, String(allow));
        }
      }
    },
  });

  router.on('projectUsers', {
    GET: async (ctx, t) => {
      if (t.group && t.group !== 'true') throw invalidInput('List users with /projects/{ID}/users');
      const members = await ctx.services.projects.listMembers(ctx.actor, t.project);
      const { project } = await ctx.services.projects.get(ctx.actor, t.project);
      const display = { owner: 'Owners', member: 'Members', collaborator: 'Collaborators' } as const;
      const rows = members.filter((m) => m.enabled || t.group === 'true').map((m) => ({
        GROUP_ID: `${project.id}_${m.role}`, displayname: display[m.role], login: m.login, firstname: m.firstName, lastname: m.lastName, email: m.email, xdat_user_id: String(m.userId),
      }));
      await sendTable(ctx, { columns: ['GROUP_ID', 'displayname', 'login', 'firstname', 'lastname', 'email', 'xdat_user_id'], rows, totalRecords: true });
    },
    PUT: async (ctx, t) => {
      if (!t.group || !t.users) throw invalidInput('Use /projects/{ID}/users/{group}/{user}');
      await ctx.services.projects.addMembers(ctx.actor, t.project, t.group, t.users.split(',').map((u) => u.trim()).filter(Boolean));
      await sendText(ctx, 200, '');
    },
    DELETE: async (ctx, t) => {
      if (!t.group || !t.users) throw invalidInput('Use /projects/{ID}/users/{group}/{user}');
      for (const user of t.users.split(',').map((u) => u.trim()).filter(Boolean)) await ctx.services.projects.removeMember(ctx.actor, t.project, t.group, user);
      await sendText(ctx, 200, '');
    },
  });
}

function projectInput(ctx: XnatContext, xmlValues: Record<string, string> = {}) {
  const accessibility = ctx.params.get('accessibility') ?? xmlValues.accessibility;
  if (accessibility !== undefined && !ACCESSIBILITY_LEVELS.includes(accessibility as Accessibility)) {
    throw invalidInput(`Unknown accessibility '${accessibility}': use public, protected or private`);
  }
  const aliasParam = ctx.params.first('alias', 'aliases', 'xnat:projectData/aliases/alias');
  const aliases = aliasParam !== undefined ? aliasParam.split(',').map((a) => a.trim()).filter(Boolean) : undefined;
  const fields = fieldChangesFromRequest(PROJECT_FIELDS, ctx.params, xmlValues, ['xnat:projectData/aliases/alias']);
  return { fields, accessibility: accessibility as Accessibility | undefined, aliases, reason: reasonOf(ctx) };
}

/** GET /data/projects with XNAT's variants: `permissions=` (DXM), `restrict=`, role filters. */
async function listProjects(ctx: XnatContext): Promise<void> {
  const p = ctx.params;
  const permission = p.get('permissions');
  if (permission) {
    const right = ({ read: 'read', edit: 'edit', create: 'create', delete: 'delete', activate: 'edit' } as Record<string, Right>)[permission];
    if (!right) throw invalidInput(`Unknown permission '${permission}': use read, create, edit or delete`);
    const items = await ctx.services.projects.list(ctx.actor, { right });
    const rows = items.map(({ project }) => ({ id: project.id, secondary_id: project.fields.secondary_ID ?? '' })).sort((a, b) => a.secondary_id.localeCompare(b.secondary_id));
    return sendTable(ctx, { columns: ['id', 'secondary_id'], rows });
  }
  const restrict = p.get('restrict');
  const right: Right | undefined = restrict === 'edit' ? 'edit' : restrict === 'delete' ? 'delete' : p.bool('accessible') || p.get('data') === 'readable' ? 'read' : p.get('data') === 'writable' ? 'edit' : undefined;
  const role = p.bool('owner') ? 'owner' : p.bool('member') ? 'member' : p.bool('collaborator') ? 'collaborator' : undefined;
  const { page, paged } = pageFrom(p);
  const ids = p.get('ID')?.split(',').map((id) => id.trim()).filter(Boolean);
  const items = await ctx.services.projects.list(ctx.actor, { right, role, ids, limit: paged ? page.limit : undefined, offset: page.offset });
  const columns = chooseColumns(p, DEFAULT_COLUMNS, [...DEFAULT_COLUMNS, ...EXTRA_COLUMNS], PROJECT_FIELDS);
  const wantsCounts = columns.includes('subject_count') || columns.includes('experiment_count');
  const counts = wantsCounts ? await ctx.services.projects.counts(items.map((i) => i.project.id)) : undefined;
  const rows = sortRows(items.map((item) => projectRow(item, counts?.get(item.project.id))), p);
  await sendTable(ctx, { columns, rows, totalRecords: !paged });
}

function projectRow({ project, access }: ProjectListItem, counts?: { subjects: number; experiments: number }): Row {
  const f = project.fields;
  return {
    ID: project.id, secondary_ID: f.secondary_ID ?? '', name: f.name ?? '', description: f.description ?? '', pi_firstname: f.pi_firstname ?? '',
    pi_lastname: f.pi_lastname ?? '', keywords: f.keywords ?? '', note: f.note ?? '', alias: project.aliases.join(','), accessibility: project.accessibility,
    user_role: access, prearchive_code: String(project.prearchiveCode), allow_subject_creation: String(project.allowSubjectCreation), insert_date: xnatTimestamp(project.createdAt), insert_user: project.createdBy,
    subject_count: counts ? String(counts.subjects) : '', experiment_count: counts ? String(counts.experiments) : '',
    URI: `/data/projects/${project.id}`,
  };
}
