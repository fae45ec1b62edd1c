import { AppError, invalidInput } from '../../domain/errors.js';
import type { ConfigEntry } from '../../repositories/config-entry.repository.js';
import { xnatTimestamp } from './result-set.js';
import { readBodyText } from './body.js';
import { reasonOf, requestedFormat, sendTable, sendText, type XnatContext } from './context.js';
import type { XnatRouter } from './router.js';

const COLUMNS = ['tool', 'path', 'project', 'user', 'create_date', 'reason', 'contents', 'unversioned', 'version', 'status'];

/**
 * The project anonymisation script: XNAT clients use `/projects/{P}/config/anon/projects/{P}`, the
 * issue tracker and docs `/projects/{P}/config/anon`; both are the project's `anon/script`.
 */
function configPath(project: string | undefined, tool: string, path: string | undefined): string | undefined {
  if (project !== undefined && tool === 'anon' && (path === undefined || path === `projects/${project}`)) return 'script';
  return path;
}

function row(e: ConfigEntry) {
  return {
    tool: e.tool, path: e.path, project: e.projectId, user: e.createdBy, create_date: xnatTimestamp(e.createdAt), reason: e.reason ?? '',
    contents: e.contents, unversioned: 'false', version: String(e.version), status: e.status,
  };
}

export function registerConfigRoutes(router: XnatRouter, maxBodyBytes: number): void {
  router.on('config', {
    GET: async (ctx, t) => {
      const scope = { projectId: t.project };
      const s = ctx.services.config;
      if (!t.tool) {
        const entries = await s.list(ctx.actor, scope);
        return sendTable(ctx, { columns: ['tool'], rows: [...new Set(entries.map((e) => e.tool))].map((tool) => ({ tool })), totalRecords: true });
      }
      const path = configPath(t.project, t.tool, t.path);
      if (!path) return sendTable(ctx, { columns: COLUMNS, rows: (await s.list(ctx.actor, scope, t.tool)).map(row), totalRecords: true });
      let entry: ConfigEntry;
      try {
        entry = t.project !== undefined && ctx.params.bool('defaultToSiteWide')
          ? await s.getEffective(ctx.actor, t.project, t.tool, path)
          : await s.get(ctx.actor, scope, t.tool, path);
      } catch (e) {
        if (e instanceof AppError && e.code === 'not_found' && ctx.params.bool('accept-not-found')) return sendText(ctx, 204, '');
        throw e;
      }
      if (ctx.params.bool('contents') || requestedFormat(ctx) === 'txt') {
        if (entry.status === 'disabled' && ctx.params.bool('contents')) return sendText(ctx, ctx.params.bool('accept-not-found') ? 204 : 404, '');
        return sendText(ctx, 200, entry.contents);
      }
      await sendTable(ctx, { columns: COLUMNS, rows: [row(entry)], totalRecords: true });
    },
    PUT: async (ctx, t) => put(ctx, t, maxBodyBytes),
    POST: async (ctx, t) => put(ctx, t, maxBodyBytes),
  });
}

async function put(ctx: XnatContext, t: { project?: string; tool?: string; path?: string }, maxBodyBytes: number): Promise<void> {
  if (!t.tool) throw invalidInput('Name the configuration: /config/{tool}/{path}');
  const path = configPath(t.project, t.tool, t.path);
  if (!path) throw invalidInput('Name the configuration path: /config/{tool}/{path}');
  const text = await readBodyText(ctx.request, maxBodyBytes);
  let contents: string | undefined = text.length > 0 ? text : undefined;
  let status = ctx.params.get('status');
  if (/json/i.test(ctx.request.headers['content-type'] ?? '') && text.trim().startsWith('{')) {
    const body = JSON.parse(text) as { contents?: unknown; status?: unknown };
    contents = body.contents === undefined ? undefined : String(body.contents);
    status = body.status === undefined ? status : String(body.status);
  }
  const { created } = await ctx.services.config.put(ctx.actor, { projectId: t.project }, t.tool, path, { contents, status, reason: reasonOf(ctx) });
  await sendText(ctx, created ? 201 : 200, '');
}
